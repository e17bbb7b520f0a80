using System.Text.Json;
using Npgsql;
using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;
using PublicInnovation.AppHost.Orchestration;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Orchestration;

/// <summary>The orchestrator itself, in-process, on the infrastructure resources (real RabbitMQ and PostgreSQL).</summary>
public sealed class DistributedApplicationTests : IDisposable
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    readonly Scratch _scratch = new();

    AppHostOptions Options() => new()
    {
        RepositoryRoot = AppHostOptions.FindRepositoryRoot(),
        DataDirectory = _scratch.Path("data"),
        DashboardPort = Ports.FindFree(),
        RabbitMqPort = Ports.FindFree(),
        RabbitMqDistributionPort = Ports.FindFree(),
        RabbitMqNodeName = $"pi-t-{Path.GetFileName(_scratch.Directory)}@localhost",
        PostgresPort = Ports.FindFree(),
        Color = false,
    };

    static DistributedApplication Build(AppHostOptions options)
    {
        var builder = DistributedApplication.CreateBuilder(options);
        builder.AddRabbitMQ("messaging");
        builder.AddPostgres("postgres").AddDatabase("notes-db");
        return builder.Build();
    }

    [Fact]
    public async Task Start_brings_broker_server_and_database_up_and_stop_leaves_no_process_behind()
    {
        var options = Options();
        var app = Build(options);
        try
        {
            await app.StartAsync(Cancel);

            app.Resources.Select(r => (r.Name, r.State)).ShouldBe([("messaging", "Running"), ("postgres", "Running"), ("notes-db", "Running")]);
            app.GetConnectionString("messaging").ShouldBe($"amqp://guest:guest@127.0.0.1:{options.RabbitMqPort}/");
            await using (var connection = new NpgsqlConnection(app.GetConnectionString("notes-db")))
            {
                await connection.OpenAsync(Cancel);
                connection.Database.ShouldBe("notes");
            }
            var state = JsonDocument.Parse(File.ReadAllText(options.StateFile)).RootElement;
            state.GetProperty("rabbitMq").GetProperty("nodeName").GetString().ShouldBe(options.RabbitMqNodeName);
            state.GetProperty("postgres").GetProperty("port").GetInt32().ShouldBe(options.PostgresPort);
            app.ColdStart.ShouldNotBeNull();
        }
        finally
        {
            var pids = app.Resources.Select(r => r.Pid).OfType<int>().ToList();
            await app.StopAsync();
            pids.Count.ShouldBe(2);
            pids.ShouldAllBe(pid => !OsProcess.IsAlive(pid));
        }

        File.Exists(options.StateFile).ShouldBeFalse();
        (await Ports.AcceptsAsync(options.RabbitMqPort, cancellationToken: Cancel)).ShouldBeFalse();
        (await Ports.AcceptsAsync(options.PostgresPort, cancellationToken: Cancel)).ShouldBeFalse();
        (await Ports.AcceptsAsync(options.DashboardPort, cancellationToken: Cancel)).ShouldBeFalse();
    }

    [Fact]
    public async Task Start_with_existing_infrastructure_starts_no_node_and_passes_its_connection_strings_on()
    {
        await using var cluster = new PostgresCluster(_scratch.PostgresOptions());
        await cluster.StartAsync(Cancel);
        var options = Options() with
        {
            ConnectionStrings = new Dictionary<string, string>
            {
                ["messaging"] = "amqp://guest:guest@broker.example:5672/",
                ["postgres"] = cluster.ConnectionString,
            },
            RabbitMqBinDirectory = _scratch.Path("no-rabbitmq"),
        };
        var app = Build(options);
        try
        {
            await app.StartAsync(Cancel);

            app.Resources.Select(r => (r.Name, r.State)).ShouldBe([("messaging", "External"), ("postgres", "External"), ("notes-db", "Running")]);
            app.GetConnectionString("messaging").ShouldBe("amqp://guest:guest@broker.example:5672/");
            await using var connection = new NpgsqlConnection(app.GetConnectionString("notes-db"));
            await connection.OpenAsync(Cancel);
            connection.Database.ShouldBe("notes");
            Directory.Exists(Path.Combine(options.DataDirectory, "rabbitmq")).ShouldBeFalse();
        }
        finally
        {
            await app.StopAsync();
        }
        cluster.Pid.ShouldNotBeNull("an existing server is not ours to stop");
    }

    [Fact]
    public async Task Recovery_stops_what_a_killed_apphost_left_and_spares_a_reused_pid()
    {
        var options = Options();
        using var leftover = System.Diagnostics.Process.Start("sleep", "300");
        var node = new RabbitMqNode(new RabbitMqNodeOptions
        {
            DataDirectory = Path.Combine(options.DataDirectory, "rabbitmq"), AmqpPort = options.RabbitMqPort,
            DistributionPort = options.RabbitMqDistributionPort, NodeName = options.RabbitMqNodeName,
        });
        await node.StartAsync(Cancel);
        var beam = node.Pid!.Value;
        new AppHostState
        {
            Projects =
            {
                new TrackedProcess("catalogue", leftover.Id, OsProcess.StartTime(leftover.Id)!.Value),
                // This pid now belongs to another process (start time differs): it must be left alone.
                new TrackedProcess("forum", Environment.ProcessId, OsProcess.StartTime(Environment.ProcessId)!.Value + 1),
            },
            RabbitMq = new RabbitMqRecord("messaging", Path.Combine(options.DataDirectory, "rabbitmq"), options.RabbitMqNodeName,
                options.RabbitMqPort, options.RabbitMqDistributionPort, options.RabbitMqBinDirectory),
        }.Write(options.StateFile);
        var reported = new List<string>();

        await CrashRecovery.RecoverAsync(options.StateFile, reported.Add, cancellationToken: Cancel);

        leftover.HasExited.ShouldBeTrue();
        OsProcess.IsAlive(beam).ShouldBeFalse();
        OsProcess.IsAlive(Environment.ProcessId).ShouldBeTrue();
        File.Exists(options.StateFile).ShouldBeFalse();
        reported.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Start_again_after_a_crash_recovers_and_runs()
    {
        var options = Options();
        var first = Build(options);
        await first.StartAsync(Cancel);
        var pids = first.Resources.Select(r => r.Pid).OfType<int>().ToList();
        await first.AbandonAsync();

        var second = Build(options);
        try
        {
            await second.StartAsync(Cancel);

            pids.ShouldAllBe(pid => !OsProcess.IsAlive(pid));
            second.Resources.ShouldAllBe(r => r.State == "Running");
        }
        finally
        {
            await second.StopAsync();
        }
    }

    public void Dispose() => _scratch.Dispose();
}
