using System.Diagnostics;
using System.Security.Cryptography;

namespace PublicInnovation.AppHost.Infrastructure;

public sealed record RabbitMqNodeOptions
{
    /// <summary>Everything of the node lives here (mnesia, logs, cookie, pid file); kept between runs.</summary>
    public required string DataDirectory { get; init; }

    public int AmqpPort { get; init; } = 5672;

    /// <summary>Erlang distribution port (rabbitmqctl talks to the node through it).</summary>
    public int DistributionPort { get; init; } = 25672;

    /// <summary>Unique on the machine: every node registers its name with the shared epmd.</summary>
    public string NodeName { get; init; } = "rabbit@localhost";

    /// <summary>Where <c>rabbitmq-server</c> and <c>rabbitmqctl</c> are (Debian's package layout by default).</summary>
    public string BinDirectory { get; init; } = "/usr/lib/rabbitmq/bin";

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// A private RabbitMQ node run from the OS package, in a directory and on ports of its own (no Docker, no system
/// service). Everything is derived from the data directory (the node writes its pid there), so another process,
/// or a later run after a crash, can check, use and stop a node it did not start.
/// </summary>
public sealed class RabbitMqNode(RabbitMqNodeOptions options) : IAsyncDisposable
{
    public const string NotInstalledMessage =
        "rabbitmq-server is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y rabbitmq-server`.";

    readonly string _home = Path.GetFullPath(options.DataDirectory);
    bool _startedHere;

    public RabbitMqNodeOptions Options => options;

    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{options.AmqpPort}/";

    public string ConnectionStringFor(string virtualHost) =>
        $"amqp://guest:guest@127.0.0.1:{options.AmqpPort}/{Uri.EscapeDataString(virtualHost)}";

    string PidFile => Path.Combine(_home, "rabbitmq.pid");
    string StdoutLog => Path.Combine(_home, "log", "stdout.log");
    string Server => Path.Combine(options.BinDirectory, "rabbitmq-server");
    string Ctl => Path.Combine(options.BinDirectory, "rabbitmqctl");

    /// <summary>The node's Erlang VM (beam.smp) when it runs from this data directory, else null.</summary>
    public int? Pid
    {
        get
        {
            if (!File.Exists(PidFile) || !int.TryParse(SafeRead(PidFile).Trim(), out var pid)) return null;
            // The pid file may be stale and the pid reused: the VM must be a beam whose HOME is our directory.
            return OsProcess.IsAlive(pid) && OsProcess.CommandName(pid) == "beam.smp" && IsOurs(OsProcess.CommandLine(pid)) ? pid : null;
        }
    }

    bool IsOurs(IReadOnlyList<string> commandLine)
    {
        for (var i = 0; i < commandLine.Count - 1; i++)
            if (commandLine[i] == "-home" && commandLine[i + 1].TrimEnd('/') == _home.TrimEnd('/'))
                return true;
        return false;
    }

    /// <summary>
    /// Starts the node and returns once it is healthy (AMQP port open, <c>rabbitmqctl await_startup</c> passed).
    /// A node left running from this data directory by a process that died is stopped first.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Server) || !File.Exists(Ctl))
            throw new PrerequisiteMissingException(NotInstalledMessage);

        if (Pid is not null) await StopAsync(cancellationToken);
        Ports.EnsureFree(options.AmqpPort, "RabbitMQ AMQP");
        Ports.EnsureFree(options.DistributionPort, "RabbitMQ distribution");

        PrepareDirectory();
        OsProcess.DeleteFile(PidFile);

        var clock = Stopwatch.StartNew();
        // setsid: the node gets a session of its own, so a Ctrl+C in the AppHost's terminal does not reach it
        // (the AppHost stops it in order), and its output goes to a file rather than to a pipe that dies with us.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", "exec setsid \"$0\" >\"$1\" 2>&1 </dev/null", Server, StdoutLog })
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in ServerEnvironment()) info.Environment[key] = value;
        using var launcher = Process.Start(info)!;
        _startedHere = true;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (launcher.HasExited && Pid is null)
                throw new AppHostException(
                    $"RabbitMQ node {options.NodeName} stopped while starting (exit code {launcher.ExitCode}); its last lines:{Environment.NewLine}{LogTail()}");
            if (clock.Elapsed > options.StartTimeout)
            {
                await StopAsync(cancellationToken);
                throw new AppHostException(
                    $"RabbitMQ node {options.NodeName} was not up after {options.StartTimeout.TotalSeconds:0} s; its last lines:{Environment.NewLine}{LogTail()}");
            }
            if (await Ports.AcceptsAsync(options.AmqpPort, cancellationToken) && await IsHealthyAsync(cancellationToken))
                return;
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The node accepts AMQP connections and reports itself fully booted.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) =>
        await Ports.AcceptsAsync(options.AmqpPort, cancellationToken)
        && (await CtlAsync(["await_startup", "--timeout", "30"], TimeSpan.FromSeconds(40), cancellationToken)).Succeeded;

    /// <summary>Stops the node of this data directory if it runs (rabbitmqctl stop, then a kill if it hangs).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var pid = Pid;
        if (pid is null)
        {
            OsProcess.DeleteFile(PidFile);
            return;
        }

        var session = OsProcess.SessionId(pid.Value);
        var stopped = (await CtlAsync(["stop"], TimeSpan.FromSeconds(30), cancellationToken)).Succeeded
                      && await OsProcess.WaitForExitAsync(pid.Value, TimeSpan.FromSeconds(20), cancellationToken);
        if (!stopped) OsProcess.Signal(pid.Value, OsProcess.SigKill);
        // The VM's helpers (erl_child_setup, inet_gethost) and the launcher script share its session.
        if (session is { } sid && sid != OsProcess.SessionId(Environment.ProcessId))
            foreach (var other in OsProcess.InSession(sid))
                OsProcess.Signal(other, OsProcess.SigKill);
        await OsProcess.WaitForExitAsync(pid.Value, TimeSpan.FromSeconds(10), cancellationToken);
        OsProcess.DeleteFile(PidFile);
        _startedHere = false;
    }

    /// <summary>
    /// Creates the virtual host (if missing) with full permissions for <c>guest</c>, and returns its connection
    /// string. A vhost per test class isolates exchanges and queues without a node per test.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        var added = await CtlAsync(["add_vhost", name], TimeSpan.FromSeconds(30), cancellationToken);
        if (!added.Succeeded && !added.Output.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            throw new AppHostException($"rabbitmqctl add_vhost {name} failed: {added.Tail(3)}");
        var permitted = await CtlAsync(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"], TimeSpan.FromSeconds(30), cancellationToken);
        if (!permitted.Succeeded)
            throw new AppHostException($"rabbitmqctl set_permissions -p {name} failed: {permitted.Tail(3)}");
        return ConnectionStringFor(name);
    }

    /// <summary>Runs <c>rabbitmqctl -n NODE ARGS</c> against this node (same HOME, so the same Erlang cookie).</summary>
    public Task<CommandResult> CtlAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        OsProcess.RunAsync(Ctl, ["-q", "-n", options.NodeName, .. arguments],
            new Dictionary<string, string?> { ["HOME"] = _home }, timeout, cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_startedHere) await StopAsync();
    }

    void PrepareDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_home, "mnesia"));
        Directory.CreateDirectory(Path.Combine(_home, "log"));
        // The node and rabbitmqctl must share a cookie; writing it ourselves avoids each creating its own.
        var cookie = Path.Combine(_home, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            File.WriteAllText(cookie, RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 20));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
        File.WriteAllText(Path.Combine(_home, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(_home, "rabbitmq.conf"),
            $"""
             listeners.tcp.1 = 127.0.0.1:{options.AmqpPort}
             loopback_users.guest = true
             """ + "\n");
    }

    Dictionary<string, string?> ServerEnvironment() => new()
    {
        ["HOME"] = _home,
        ["RABBITMQ_NODENAME"] = options.NodeName,
        ["RABBITMQ_NODE_PORT"] = options.AmqpPort.ToString(),
        ["RABBITMQ_DIST_PORT"] = options.DistributionPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_home, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_home, "log"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_home, "rabbitmq"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_home, "enabled_plugins"),
        ["RABBITMQ_PID_FILE"] = PidFile,
        // Distribution only on loopback: nothing outside this machine needs to reach the node.
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };

    string LogTail(int lines = 15)
    {
        var text = File.Exists(StdoutLog) ? SafeRead(StdoutLog) : "";
        return new CommandResult(0, text).Tail(lines);
    }

    static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
