using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Hosting;

/// <summary>Development token request: <c>token ROLE [--subject GUID] [--client ID]</c>.</summary>
public sealed record TokenRequest(string Role, Guid? Subject, string? Client);

/// <summary>Error-queue re-drive request: <c>redrive QUEUE</c> moves QUEUE_error's messages back to QUEUE.</summary>
public sealed record RedriveRequest(string Queue);

/// <summary>
/// Everything configurable, from the command line (<c>--data-dir</c>, <c>--gateway-port</c>...) or configuration
/// (<c>AppHost__DataDir</c>, <c>ConnectionStrings__messaging</c>...): every port can move, so tests can run an
/// AppHost beside a developer's.
/// </summary>
public sealed record AppHostOptions
{
    public const string Usage = """
        Usage: dotnet run --project AppHost -- [options]
               dotnet run --project AppHost -- token <learner|instructor|moderator|operator|partner> [--subject <guid>] [--client <id>] [--data-dir <dir>]
               dotnet run --project AppHost -- redrive <queue> [--rabbitmq-port <port> | --ConnectionStrings:messaging <amqp://...>]
                 (moves the messages parked in <queue>_error back to <queue> once their cause is fixed)

        Options:
          --fresh                   delete the AppHost's data (RabbitMQ, PostgreSQL, signing key) before starting
          --data-dir <dir>          data directory (default: <repo>/.apphost)
          --gateway-port <port>     the gateway's HTTP port (default 8080); --<project>-port for any fixed port
          --dashboard-port <port>   dashboard and OTLP endpoint (default 18888)
          --rabbitmq-port <port>    AMQP port of the private RabbitMQ node (default 5680)
          --rabbitmq-dist-port <p>  its Erlang distribution port (default: AMQP port + 20000)
          --rabbitmq-node <name>    its node name (default pi-apphost@localhost)
          --postgres-port <port>    port of the private PostgreSQL cluster (default 5440)
          --health-timeout <s>      how long a resource may take to become healthy (default 120)
          --ConnectionStrings:messaging <amqp://...>   use an existing broker instead of a private node
          --ConnectionStrings:postgres <Host=...>       use an existing PostgreSQL server (databases are created there)
        """;

    public required string RepositoryRoot { get; init; }
    public required string DataDirectory { get; init; }
    public bool Fresh { get; init; }
    public int DashboardPort { get; init; } = 18888;
    public int RabbitMqPort { get; init; } = 5680;
    public int RabbitMqDistributionPort { get; init; } = 25680;
    public string RabbitMqNodeName { get; init; } = "pi-apphost@localhost";
    public string RabbitMqBinDirectory { get; init; } = "/usr/lib/rabbitmq/bin";
    public int PostgresPort { get; init; } = 5440;
    public string? PostgresBinDirectory { get; init; }

    /// <summary>Overrides of projects' fixed ports by resource name (<c>--gateway-port</c>).</summary>
    public IReadOnlyDictionary<string, int> ProjectPorts { get; init; } = new Dictionary<string, int>();

    /// <summary>Existing infrastructure by resource name (<c>ConnectionStrings:messaging</c>): nothing is started for it.</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; init; } = new Dictionary<string, string>();

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
    public int TraceCapacity { get; init; } = 10_000;

    /// <summary>The AppHost's own build configuration: projects are launched from <c>bin/CONFIGURATION/net10.0</c>.</summary>
    public string Configuration { get; init; } =
        typeof(AppHostOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The projects' environment: Development unless the AppHost's own environment says otherwise.</summary>
    public string EnvironmentName { get; init; } =
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Development";

    public bool Color { get; init; } = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Set for the <c>token</c> command: print a token and exit, start nothing.</summary>
    public TokenRequest? Token { get; init; }

    /// <summary>Set for the <c>redrive</c> command: re-drive one error queue and exit, start nothing.</summary>
    public RedriveRequest? Redrive { get; init; }

    public bool Help { get; init; }

    public string StateFile => Path.Combine(DataDirectory, "apphost.state.json");

    static readonly Dictionary<string, string> Switches = new()
    {
        ["--data-dir"] = "AppHost:DataDir",
        ["--dashboard-port"] = "AppHost:DashboardPort",
        ["--rabbitmq-port"] = "AppHost:RabbitMqPort",
        ["--rabbitmq-dist-port"] = "AppHost:RabbitMqDistPort",
        ["--rabbitmq-node"] = "AppHost:RabbitMqNode",
        ["--rabbitmq-bin-dir"] = "AppHost:RabbitMqBinDir",
        ["--postgres-port"] = "AppHost:PostgresPort",
        ["--postgres-bin-dir"] = "AppHost:PostgresBinDir",
        ["--health-timeout"] = "AppHost:HealthTimeoutSeconds",
        ["--trace-capacity"] = "AppHost:TraceCapacity",
        ["--subject"] = "Token:Subject",
        ["--client"] = "Token:Client",
    };

    /// <summary>Reads the command line over the environment (<c>AppHost__*</c>, <c>ConnectionStrings__*</c>).</summary>
    public static AppHostOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string? tokenRole = null;
        var isToken = args.Length > 0 && args[0] == "token";
        if (isToken)
        {
            if (args.Length < 2 || args[1].StartsWith('-'))
                throw new AppHostException($"Which role? Use `token <{string.Join("|", DevTokens.Roles)}>`.");
            tokenRole = args[1];
        }
        string? redriveQueue = null;
        var isRedrive = args.Length > 0 && args[0] == "redrive";
        if (isRedrive)
        {
            if (args.Length < 2 || args[1].StartsWith('-'))
                throw new AppHostException("Which queue? Use `redrive <queue>`, e.g. `redrive enrollment-track-published-course` (queues are listed in docs/events.md).");
            redriveQueue = args[1].EndsWith("_error", StringComparison.Ordinal) ? args[1][..^"_error".Length] : args[1];
        }

        for (var i = isToken || isRedrive ? 2 : 0; i < args.Length; i++)
        {
            var arg = args[i];
            var (name, inlineValue) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            string Value() => inlineValue ?? (i + 1 < args.Length ? args[++i] : throw new AppHostException($"{name} needs a value: see --help."));

            if (name is "--help" or "-h") values["AppHost:Help"] = "true";
            else if (name == "--fresh") values["AppHost:Fresh"] = "true";
            else if (Switches.TryGetValue(name, out var key)) values[key] = Value();
            else if (name.StartsWith("--") && name.Contains(':')) values[name[2..]] = Value();
            else if (name.StartsWith("--") && name.EndsWith("-port")) values[$"AppHost:Ports:{name[2..^5]}"] = Value();
            else throw new AppHostException($"Unknown option {arg}: see --help.");
        }

        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(values)
            .Build();
        return FromConfiguration(configuration, tokenRole) with { Redrive = redriveQueue is null ? null : new RedriveRequest(redriveQueue) };
    }

    static AppHostOptions FromConfiguration(IConfiguration configuration, string? tokenRole)
    {
        var root = FindRepositoryRoot();
        var section = configuration.GetSection("AppHost");
        var dataDirectory = Path.GetFullPath(section["DataDir"] ?? Path.Combine(root, ".apphost"));
        var rabbitPort = Port(section, "RabbitMqPort", 5680);
        var defaults = new AppHostOptions { RepositoryRoot = root, DataDirectory = dataDirectory };

        TokenRequest? token = null;
        if (tokenRole is not null)
        {
            var subject = configuration["Token:Subject"];
            token = new TokenRequest(tokenRole,
                subject is null ? null : Guid.TryParse(subject, out var id) ? id : throw new AppHostException($"--subject {subject} is not a GUID."),
                configuration["Token:Client"]);
        }

        return defaults with
        {
            Fresh = section.GetValue<bool>("Fresh"),
            Help = section.GetValue<bool>("Help"),
            DashboardPort = Port(section, "DashboardPort", 18888),
            RabbitMqPort = rabbitPort,
            // Two ports per node: keep the pair apart by a fixed distance unless told otherwise.
            RabbitMqDistributionPort = Port(section, "RabbitMqDistPort", rabbitPort + 20000 <= 65535 ? rabbitPort + 20000 : rabbitPort - 20000),
            RabbitMqNodeName = section["RabbitMqNode"] ?? (rabbitPort == 5680 ? "pi-apphost@localhost" : $"pi-apphost-{rabbitPort}@localhost"),
            RabbitMqBinDirectory = section["RabbitMqBinDir"] ?? defaults.RabbitMqBinDirectory,
            PostgresPort = Port(section, "PostgresPort", 5440),
            PostgresBinDirectory = section["PostgresBinDir"],
            HealthTimeout = TimeSpan.FromSeconds(Number(section, "HealthTimeoutSeconds", 120)),
            TraceCapacity = Number(section, "TraceCapacity", 10_000),
            ProjectPorts = section.GetSection("Ports").GetChildren()
                .ToDictionary(p => p.Key, p => Port(section.GetSection("Ports"), p.Key, 0), StringComparer.OrdinalIgnoreCase),
            ConnectionStrings = configuration.GetSection("ConnectionStrings").GetChildren()
                .Where(c => !string.IsNullOrWhiteSpace(c.Value))
                .ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase),
            Token = token,
        };
    }

    static int Port(IConfiguration section, string key, int fallback)
    {
        var port = Number(section, key, fallback);
        return port is >= 0 and <= 65535 ? port : throw new AppHostException($"{OptionName(section, key)} {port} is not a port number (0-65535).");
    }

    static int Number(IConfiguration section, string key, int fallback) =>
        section[key] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new AppHostException($"{OptionName(section, key)} '{text}' is not a number.");

    /// <summary>How the developer wrote it: <c>--gateway-port</c> rather than <c>AppHost:Ports:gateway</c>.</summary>
    static string OptionName(IConfiguration section, string key)
    {
        var path = section is IConfigurationSection s ? $"{s.Path}:{key}" : key;
        if (path.StartsWith("AppHost:Ports:", StringComparison.OrdinalIgnoreCase)) return $"--{key}-port";
        return Switches.FirstOrDefault(p => string.Equals(p.Value, path, StringComparison.OrdinalIgnoreCase)).Key ?? path;
    }

    /// <summary>The folder holding PublicInnovation.sln, above the AppHost's binaries or the current directory.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PublicInnovation.sln")))
                    return dir.FullName;
        throw new AppHostException("PublicInnovation.sln was not found above the AppHost or the current directory: run it from the repository.");
    }
}
