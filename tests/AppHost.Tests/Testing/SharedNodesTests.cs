using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PublicInnovation.AppHost.Infrastructure;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Testing;

/// <summary>
/// The cross-process sharing behind TestInfrastructure, with two owners standing for two test processes (same pid,
/// different owner ids) on a directory of the test's own.
/// </summary>
public sealed class SharedNodesTests : IDisposable
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    readonly Scratch _scratch = new();

    [Fact]
    public async Task Second_owner_joins_the_running_nodes_and_the_last_one_to_leave_stops_them()
    {
        var first = new SharedNodes(_scratch.Directory, "first");
        var second = new SharedNodes(_scratch.Directory, "second");

        await first.AcquireAsync(Cancel);
        await second.AcquireAsync(Cancel);

        second.RabbitMq!.Pid.ShouldBe(first.RabbitMq!.Pid);
        second.Postgres!.Pid.ShouldBe(first.Postgres!.Pid);
        second.Postgres.ConnectionString.ShouldBe(first.Postgres.ConnectionString);
        first.Read().Owners.Select(o => o.Id).ShouldBe(["first", "second"]);

        await first.ReleaseAsync(Cancel);
        var rabbitPid = second.RabbitMq.Pid!.Value;
        var postgresPid = second.Postgres.Pid!.Value;
        await using (var connection = new NpgsqlConnection(await second.Postgres.CreateDatabaseAsync("still_up", cancellationToken: Cancel)))
            await connection.OpenAsync(Cancel);

        await second.ReleaseAsync(Cancel);
        OsProcess.IsAlive(rabbitPid).ShouldBeFalse();
        OsProcess.IsAlive(postgresPid).ShouldBeFalse();
        second.Read().Owners.ShouldBeEmpty();
    }

    [Fact]
    public async Task Acquire_after_a_run_died_replaces_the_nodes_it_left_without_owner()
    {
        var crashed = new SharedNodes(_scratch.Directory, "crashed");
        await crashed.AcquireAsync(Cancel);
        var staleRabbit = crashed.RabbitMq!.Pid!.Value;
        var stalePostgres = crashed.Postgres!.Pid!.Value;
        // The owner's process is gone (a pid that cannot exist), its nodes still run.
        var statePath = Path.Combine(_scratch.Directory, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        state["owners"]![0]!["pid"] = int.MaxValue;
        File.WriteAllText(statePath, state.ToJsonString());

        var next = new SharedNodes(_scratch.Directory, "next");
        await next.AcquireAsync(Cancel);
        try
        {
            OsProcess.IsAlive(staleRabbit).ShouldBeFalse();
            OsProcess.IsAlive(stalePostgres).ShouldBeFalse();
            next.Read().Owners.Select(o => o.Id).ShouldBe(["next"]);
            await using var connection = new NpgsqlConnection(await next.Postgres!.CreateDatabaseAsync("fresh", cancellationToken: Cancel));
            await connection.OpenAsync(Cancel);
            (await next.RabbitMq!.IsHealthyAsync(Cancel)).ShouldBeTrue();
        }
        finally
        {
            await next.ReleaseAsync(Cancel);
        }
    }

    [Fact]
    public async Task TestInfrastructure_gives_each_caller_its_own_vhost_and_database_and_tokens_for_its_key()
    {
        await using var infra = TestInfrastructure.At(_scratch.Directory);
        await infra.InitializeAsync();

        var vhost1 = await infra.CreateVirtualHostAsync(Cancel);
        var vhost2 = await infra.CreateVirtualHostAsync(Cancel);
        var database1 = await infra.CreateDatabaseAsync("Course Tests", cancellationToken: Cancel);
        var database2 = await infra.CreateDatabaseAsync("Course Tests", cancellationToken: Cancel);

        vhost1.ShouldNotBe(vhost2);
        vhost1.ShouldStartWith(infra.RabbitMqNode.ConnectionString);
        database1.ShouldNotBe(database2);
        var name = new NpgsqlConnectionStringBuilder(database1).Database!;
        name.ShouldStartWith("course_tests_");
        await using (var connection = new NpgsqlConnection(database1))
            await connection.OpenAsync(Cancel);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler()
            .ValidateTokenAsync(infra.MintToken("partner", client: "civic-app"), DevTokens.ValidationParameters(infra.DevSigningKey));
        (await token).Claims["client_id"].ShouldBe("civic-app");
    }

    public void Dispose() => _scratch.Dispose();
}
