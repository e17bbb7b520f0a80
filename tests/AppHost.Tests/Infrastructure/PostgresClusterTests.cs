using Npgsql;
using PublicInnovation.AppHost.Infrastructure;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Infrastructure;

/// <summary>A real private cluster from the OS package, in a directory and on a port of the test's own.</summary>
public sealed class PostgresClusterTests : IDisposable
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    readonly Scratch _scratch = new();

    [Fact]
    public async Task CreateDatabase_returns_a_connection_string_Npgsql_connects_with_and_is_idempotent()
    {
        var options = _scratch.PostgresOptions();
        await using var cluster = new PostgresCluster(options);
        await cluster.StartAsync(Cancel);

        var connectionString = await cluster.CreateDatabaseAsync("catalogue", cancellationToken: Cancel);
        (await cluster.CreateDatabaseAsync("catalogue", cancellationToken: Cancel)).ShouldBe(connectionString);

        connectionString.ShouldBe($"Host=127.0.0.1;Port={options.Port};Username=postgres;Password={cluster.Password};Database=catalogue");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);
        (await command.ExecuteScalarAsync(Cancel)).ShouldBe("catalogue");
    }

    [Fact]
    public async Task Wrong_password_is_refused()
    {
        var options = _scratch.PostgresOptions();
        await using var cluster = new PostgresCluster(options);
        await cluster.StartAsync(Cancel);

        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={options.Port};Username=postgres;Password=guess;Database=postgres");
        var failure = await Should.ThrowAsync<PostgresException>(connection.OpenAsync(Cancel));

        failure.SqlState.ShouldBe(PostgresErrorCodes.InvalidPassword);
    }

    [Fact]
    public async Task Start_after_a_killed_postmaster_clears_its_lock_file_and_keeps_the_data()
    {
        // Durable as the AppHost's cluster: without synchronous commit a kill may lose the last transactions.
        var options = _scratch.PostgresOptions() with { Durable = true };
        var crashed = new PostgresCluster(options);
        await crashed.StartAsync(Cancel);
        var connectionString = await crashed.CreateDatabaseAsync("kept", cancellationToken: Cancel);
        await ExecuteAsync(connectionString, "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('still here')");
        NpgsqlConnection.ClearAllPools();
        var pid = crashed.Pid!.Value;
        OsProcess.Signal(pid, OsProcess.SigKill);
        (await OsProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(10), cancellationToken: Cancel)).ShouldBeTrue();
        File.Exists(Path.Combine(options.DataDirectory, "data", "postmaster.pid")).ShouldBeTrue("a killed postmaster leaves its lock file");

        await using var cluster = new PostgresCluster(options);
        await cluster.StartAsync(Cancel);

        cluster.Pid.ShouldNotBeNull().ShouldNotBe(pid);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT text FROM notes", connection);
        (await command.ExecuteScalarAsync(Cancel)).ShouldBe("still here");
    }

    [Fact]
    public async Task Stop_then_start_on_the_same_directory_keeps_the_password_and_databases()
    {
        var options = _scratch.PostgresOptions();
        await using var cluster = new PostgresCluster(options);
        await cluster.StartAsync(Cancel);
        var connectionString = await cluster.CreateDatabaseAsync("enrollment", cancellationToken: Cancel);

        await cluster.StopAsync(Cancel);
        cluster.Pid.ShouldBeNull();
        (await Ports.AcceptsAsync(options.Port, cancellationToken: Cancel)).ShouldBeFalse();
        await cluster.StartAsync(Cancel);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
    }

    [Fact]
    public async Task Start_without_the_package_says_how_to_install_it()
    {
        var cluster = new PostgresCluster(_scratch.PostgresOptions() with { BinDirectory = _scratch.Path("no-postgres") });

        var failure = await Should.ThrowAsync<PrerequisiteMissingException>(cluster.StartAsync(Cancel));

        failure.Message.ShouldBe("PostgreSQL is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y postgresql`.");
    }

    [Fact]
    public async Task Start_on_a_port_another_program_holds_names_the_port()
    {
        using var other = Scratch.Occupy(out var port);
        var cluster = new PostgresCluster(_scratch.PostgresOptions() with { Port = port });

        var failure = await Should.ThrowAsync<PortInUseException>(cluster.StartAsync(Cancel));

        failure.Message.ShouldBe($"Port {port} (PostgreSQL) is already in use by another program: stop it or choose another port.");
    }

    static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _scratch.Dispose();
}
