using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.Testing;

/// <summary>A process (test assembly) using the shared nodes; dead owners are pruned by pid and start time.</summary>
public sealed record NodeOwner(string Id, int Pid, long StartTime);

public sealed record SharedNodesState
{
    public int RabbitMqPort { get; init; }
    public int RabbitMqDistributionPort { get; init; }
    public string? RabbitMqNodeName { get; init; }
    public int PostgresPort { get; init; }
    public List<NodeOwner> Owners { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasNodes => RabbitMqNodeName is not null && RabbitMqPort > 0 && PostgresPort > 0;
}

/// <summary>
/// One RabbitMQ node and one PostgreSQL cluster shared by every test process of a run (dotnet test runs test
/// projects in parallel). Under an exclusive file lock in <c>DIR/lock</c>, a state file lists the nodes' ports and
/// their owners: the first owner starts the nodes, later ones join, the last one to leave stops them. Nodes left
/// behind by a crashed run (no live owner) are stopped and started afresh.
/// </summary>
public sealed class SharedNodes(string directory, string ownerId)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    static readonly TimeSpan LockDeadline = TimeSpan.FromMinutes(5);

    readonly string _directory = Path.GetFullPath(directory);

    public string Directory => _directory;
    string StateFile => Path.Combine(_directory, "state.json");
    string RabbitMqDirectory => Path.Combine(_directory, "rabbitmq");
    string PostgresDirectory => Path.Combine(_directory, "postgres");

    public RabbitMqNode? RabbitMq { get; private set; }
    public PostgresCluster? Postgres { get; private set; }

    /// <summary><c>REPO/.test-infra</c> (or <c>PI_TEST_INFRA_DIR</c>).</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("PI_TEST_INFRA_DIR") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PublicInnovation.sln")))
                return Path.Combine(dir.FullName, ".test-infra");
        return Path.Combine(Path.GetTempPath(), "pi-test-infra");
    }

    /// <summary>Joins the run's nodes, starting them if nobody runs them; returns once both are healthy.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken = default)
    {
        await using var _ = await LockAsync(cancellationToken);
        var state = Read();
        state.Owners.RemoveAll(o => !OsProcess.IsSame(o.Pid, o.StartTime));

        if (state.Owners.Count == 0 || !state.HasNodes)
        {
            // Nobody uses the nodes: whatever still runs was left by a run that crashed. Start clean.
            await StopAsync(state);
            DeleteDirectory(RabbitMqDirectory);
            DeleteDirectory(PostgresDirectory);
            state = state with
            {
                RabbitMqPort = Ports.FindFree(),
                RabbitMqDistributionPort = Ports.FindFree(),
                RabbitMqNodeName = $"pi-test-{Hash(_directory)}@localhost",
                PostgresPort = Ports.FindFree(),
                Owners = [],
            };
        }

        Attach(state);
        // Started here when new, and again if an owner is alive but someone stopped a node under it.
        await Task.WhenAll(
            RabbitMq!.Pid is null ? RabbitMq.StartAsync(cancellationToken) : Task.CompletedTask,
            Postgres!.Pid is null ? Postgres.StartAsync(cancellationToken) : Task.CompletedTask);

        state.Owners.Add(new NodeOwner(ownerId, Environment.ProcessId, OsProcess.StartTime(Environment.ProcessId) ?? 0));
        Write(state);
    }

    /// <summary>Leaves the run's nodes; the last owner stops them.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await using var _ = await LockAsync(cancellationToken);
        var state = Read();
        state.Owners.RemoveAll(o => o.Id == ownerId || !OsProcess.IsSame(o.Pid, o.StartTime));
        if (state.Owners.Count == 0)
        {
            await StopAsync(state);
            state = new SharedNodesState();
        }
        Write(state);
    }

    public SharedNodesState Read()
    {
        try
        {
            return JsonSerializer.Deserialize<SharedNodesState>(File.ReadAllText(StateFile), Json) ?? new SharedNodesState();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return new SharedNodesState();
        }
    }

    void Write(SharedNodesState state)
    {
        var temporary = StateFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        File.Move(temporary, StateFile, overwrite: true);
    }

    void Attach(SharedNodesState state)
    {
        RabbitMq = new RabbitMqNode(new RabbitMqNodeOptions
        {
            DataDirectory = RabbitMqDirectory,
            AmqpPort = state.RabbitMqPort,
            DistributionPort = state.RabbitMqDistributionPort,
            NodeName = state.RabbitMqNodeName!,
        });
        Postgres = new PostgresCluster(new PostgresClusterOptions
        {
            DataDirectory = PostgresDirectory,
            Port = state.PostgresPort,
            // Throw-away data: no fsync. Many test hosts with connection pools of their own: more connections.
            Durable = false,
            Settings = new Dictionary<string, string> { ["max_connections"] = "500" },
        });
    }

    async Task StopAsync(SharedNodesState state)
    {
        var rabbit = new RabbitMqNode(new RabbitMqNodeOptions
        {
            DataDirectory = RabbitMqDirectory,
            AmqpPort = state.RabbitMqPort,
            DistributionPort = state.RabbitMqDistributionPort,
            NodeName = state.RabbitMqNodeName ?? $"pi-test-{Hash(_directory)}@localhost",
        });
        var postgres = new PostgresCluster(new PostgresClusterOptions { DataDirectory = PostgresDirectory, Port = state.PostgresPort });
        await Task.WhenAll(rabbit.StopAsync(), postgres.StopAsync());
    }

    /// <summary>The run-wide lock: an exclusive open of <c>DIR/lock</c>, retried until a deadline.</summary>
    async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(_directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockDeadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    static void DeleteDirectory(string path)
    {
        if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
    }

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
}
