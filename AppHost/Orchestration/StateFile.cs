using System.Text.Json;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Orchestration;

/// <summary>A process the AppHost started; the start time tells it apart from a later process with the same pid.</summary>
public sealed record TrackedProcess(string Resource, int Pid, long StartTime);

public sealed record RabbitMqRecord(string Resource, string DataDirectory, string NodeName, int AmqpPort, int DistributionPort, string BinDirectory);

public sealed record PostgresRecord(string Resource, string DataDirectory, int Port, string? BinDirectory);

/// <summary>
/// <c>DATA/apphost.state.json</c>: what this AppHost started, rewritten at each change, so that the next start can
/// stop whatever a killed AppHost (kill -9, closed terminal) left behind.
/// </summary>
public sealed record AppHostState
{
    public int AppHostPid { get; init; }
    public long AppHostStartTime { get; init; }
    public List<TrackedProcess> Projects { get; init; } = [];
    public RabbitMqRecord? RabbitMq { get; set; }
    public PostgresRecord? Postgres { get; set; }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static AppHostState? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<AppHostState>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Written to a temporary file and renamed over the old one: a crash never leaves half a file.</summary>
    public void Write(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}

public static class CrashRecovery
{
    /// <summary>
    /// Stops everything recorded in the state file that still runs: projects (same pid and start time), the
    /// RabbitMQ node and the PostgreSQL cluster (found from their data directories), then deletes the file.
    /// </summary>
    public static async Task RecoverAsync(string stateFile, Action<string> report, CancellationToken cancellationToken = default)
    {
        if (AppHostState.Read(stateFile) is not { } state)
        {
            OsProcess.DeleteFile(stateFile);
            return;
        }

        foreach (var project in state.Projects.Where(p => OsProcess.IsSame(p.Pid, p.StartTime)))
        {
            report($"stopping {project.Resource} (pid {project.Pid}) left running by a previous AppHost");
            await OsProcess.TerminateTreeAsync(project.Pid, TimeSpan.FromSeconds(5), cancellationToken);
        }

        if (state.RabbitMq is { } rabbit)
        {
            var node = new RabbitMqNode(new RabbitMqNodeOptions
            {
                DataDirectory = rabbit.DataDirectory, NodeName = rabbit.NodeName, AmqpPort = rabbit.AmqpPort,
                DistributionPort = rabbit.DistributionPort, BinDirectory = rabbit.BinDirectory,
            });
            if (node.Pid is { } pid) report($"stopping RabbitMQ node {rabbit.NodeName} (pid {pid}) left running by a previous AppHost");
            await node.StopAsync(cancellationToken);
        }

        if (state.Postgres is { } postgres)
        {
            var cluster = new PostgresCluster(new PostgresClusterOptions
            {
                DataDirectory = postgres.DataDirectory, Port = postgres.Port, BinDirectory = postgres.BinDirectory,
            });
            if (cluster.Pid is { } pid) report($"stopping PostgreSQL (pid {pid}) left running by a previous AppHost");
            await cluster.StopAsync(cancellationToken);
        }

        OsProcess.DeleteFile(stateFile);
    }
}
