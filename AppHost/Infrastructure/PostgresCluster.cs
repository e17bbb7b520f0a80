using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace PublicInnovation.AppHost.Infrastructure;

public sealed record PostgresClusterOptions
{
    /// <summary>Cluster data (<c>data/</c>), socket directory, server log and generated password live here.</summary>
    public required string DataDirectory { get; init; }

    public int Port { get; init; } = 5432;

    /// <summary>Directory of <c>initdb</c>/<c>pg_ctl</c>; null finds the highest installed version.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>False turns fsync off: for throw-away test clusters, where speed matters more than crash safety.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Extra server settings (<c>-c name=value</c>), e.g. <c>max_connections</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A private PostgreSQL cluster from the OS package, in a directory and on a port of its own, with password
/// (SCRAM) authentication. As root, initdb/pg_ctl run as the <c>postgres</c> system user (initdb refuses root).
/// State is read from the data directory (<c>postmaster.pid</c>), so a later run can stop a cluster left behind.
/// </summary>
public sealed partial class PostgresCluster(PostgresClusterOptions options) : IAsyncDisposable
{
    public const string NotInstalledMessage =
        "PostgreSQL is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y postgresql`.";

    readonly string _root = Path.GetFullPath(options.DataDirectory);
    bool _startedHere;

    public PostgresClusterOptions Options => options;

    string DataPath => Path.Combine(_root, "data");
    string PasswordFile => Path.Combine(_root, "password");
    string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Unix sockets are limited to about 107 bytes of path: fall back to /tmp for deep directories.</summary>
    string SocketDirectory =>
        Path.Combine(_root, "sock").Length + 20 < 100
            ? Path.Combine(_root, "sock")
            : Path.Combine(Path.GetTempPath(), "pi-pg-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_root)))[..12]);

    /// <summary>The <c>postgres</c> user's password, generated at initdb and kept in the data directory.</summary>
    public string Password => File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() : throw new InvalidOperationException(
        $"The cluster in {_root} is not initialised yet: start it first.");

    /// <summary>Connection string of the <c>postgres</c> maintenance database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={options.Port};Username=postgres;Password={Password};Database={database}";

    /// <summary>The postmaster when it runs from this data directory, else null.</summary>
    public int? Pid
    {
        get
        {
            var lockFile = Path.Combine(DataPath, "postmaster.pid");
            string[] lines;
            try
            {
                lines = File.ReadAllLines(lockFile);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            return lines.Length > 1 && int.TryParse(lines[0], out var pid) && OsProcess.IsAlive(pid)
                   && OsProcess.CommandName(pid) is "postgres" or "postmaster"
                   && Path.GetFullPath(lines[1]).TrimEnd('/') == DataPath.TrimEnd('/')
                ? pid
                : null;
        }
    }

    /// <summary>
    /// Initialises the cluster on first use, then starts it and returns once it accepts password connections.
    /// A cluster left running from this directory is stopped first; a stale <c>postmaster.pid</c> is removed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = options.BinDirectory ?? FindBinDirectory();
        if (bin is null || !File.Exists(Path.Combine(bin, "initdb")) || !File.Exists(Path.Combine(bin, "pg_ctl")))
            throw new PrerequisiteMissingException(NotInstalledMessage);
        if (OsProcess.IsRoot && !(await OsProcess.RunAsync("id", ["-u", "postgres"], cancellationToken: cancellationToken)).Succeeded)
            throw new PrerequisiteMissingException(
                "The postgres system user is missing: reinstall the package with `apt-get install --reinstall -y postgresql`.");

        await StopAsync(cancellationToken);
        Ports.EnsureFree(options.Port, "PostgreSQL");

        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(SocketDirectory);
        if (!File.Exists(Path.Combine(DataPath, "PG_VERSION")))
            await InitAsync(bin, cancellationToken);
        await OwnAsync(SocketDirectory, cancellationToken);

        var serverOptions = new List<string>
        {
            $"-p {options.Port}", $"-k {Quote(SocketDirectory)}", "-c listen_addresses=127.0.0.1",
        };
        if (!options.Durable)
            serverOptions.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        serverOptions.AddRange(options.Settings.Select(s => $"-c {s.Key}={Quote(s.Value)}"));

        _startedHere = true;
        var started = await PgCtlAsync(bin, ["-D", DataPath, "-l", LogFile, "-o", string.Join(' ', serverOptions),
            "-w", "-t", ((int)options.StartTimeout.TotalSeconds).ToString(), "start"], cancellationToken);
        if (!started.Succeeded)
            throw new AppHostException(
                $"PostgreSQL did not start on port {options.Port}; pg_ctl said:{Environment.NewLine}{started.Tail(5)}{Environment.NewLine}{LogTail()}");

        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
    }

    /// <summary>Stops the cluster of this directory if it runs (fast shutdown); clears what a killed one left behind.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Pid is { } pid)
        {
            var bin = options.BinDirectory ?? FindBinDirectory();
            var stopped = bin is not null
                          && (await PgCtlAsync(bin, ["-D", DataPath, "-m", "fast", "-w", "-t", "30", "stop"], cancellationToken)).Succeeded;
            if (!stopped || !await OsProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(10), cancellationToken))
                OsProcess.Signal(pid, OsProcess.SigKill);
        }
        await ClearLeftoversAsync(cancellationToken);
        _startedHere = false;
    }

    /// <summary>
    /// After a postmaster died: its backends (they all run in the data directory) are killed rather than left
    /// holding shared memory, and lock files naming a dead pid are removed, since the server refuses to start while
    /// they name a pid that still exists (a zombie does).
    /// </summary>
    async Task ClearLeftoversAsync(CancellationToken cancellationToken)
    {
        if (Pid is not null) return;
        foreach (var leftover in OsProcess.RunningIn(DataPath)) OsProcess.Signal(leftover, OsProcess.SigKill);
        foreach (var leftover in OsProcess.RunningIn(DataPath)) await OsProcess.WaitForExitAsync(leftover, TimeSpan.FromSeconds(10), cancellationToken);

        OsProcess.DeleteFile(Path.Combine(DataPath, "postmaster.pid"));
        if (!Directory.Exists(SocketDirectory)) return;
        foreach (var lockFile in Directory.EnumerateFiles(SocketDirectory, ".s.PGSQL.*.lock"))
        {
            var owner = File.ReadLines(lockFile).FirstOrDefault();
            if (int.TryParse(owner, out var ownerPid) && OsProcess.IsAlive(ownerPid) && OsProcess.CommandName(ownerPid) == "postgres") continue;
            OsProcess.DeleteFile(lockFile);
            OsProcess.DeleteFile(lockFile[..^".lock".Length]);
        }
    }

    /// <summary>Creates the database if it does not exist yet and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await CreateDatabaseAsync(ConnectionString, name, cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Creates <paramref name="database"/> on the server of <paramref name="serverConnectionString"/> if missing
    /// (also used for an existing server given to the AppHost). Safe when several processes race to create it.
    /// </summary>
    public static async Task CreateDatabaseAsync(string serverConnectionString, string database, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(database))
            throw new ArgumentException($"'{database}' is not a valid database name (letters, digits, '_' and '-', 63 at most).", nameof(database));

        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                // "source database template1 is being accessed by other users": another CREATE DATABASE is copying it.
                await Task.Delay(100 * attempt, cancellationToken);
            }
        }
    }

    /// <summary><c>pg_config --bindir</c>, else the highest version under /usr/lib/postgresql.</summary>
    public static string? FindBinDirectory()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: decimal.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
        if (installed is not null) return installed;

        try
        {
            var result = OsProcess.RunAsync("pg_config", ["--bindir"], timeout: TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            var dir = result.Output.Trim();
            return result.Succeeded && File.Exists(Path.Combine(dir, "initdb")) ? dir : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedHere) await StopAsync();
    }

    async Task InitAsync(string bin, CancellationToken cancellationToken)
    {
        // A half-made data directory (initdb interrupted) cannot be resumed: start it over.
        if (Directory.Exists(DataPath)) Directory.Delete(DataPath, recursive: true);
        if (!File.Exists(PasswordFile))
        {
            await File.WriteAllTextAsync(PasswordFile, RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24), cancellationToken);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await OwnAsync(_root, cancellationToken);
        var init = await AsPostgresAsync(Path.Combine(bin, "initdb"),
            ["-D", DataPath, "-U", "postgres", $"--pwfile={PasswordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
            TimeSpan.FromMinutes(2), cancellationToken);
        if (!init.Succeeded)
            throw new AppHostException($"initdb failed in {DataPath}:{Environment.NewLine}{init.Tail(8)}");
    }

    Task<CommandResult> PgCtlAsync(string bin, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        AsPostgresAsync(Path.Combine(bin, "pg_ctl"), arguments, options.StartTimeout + TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>initdb and the server refuse root: as root, run them as the postgres system user.</summary>
    static Task<CommandResult> AsPostgresAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        OsProcess.IsRoot
            ? OsProcess.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], timeout: timeout, cancellationToken: cancellationToken)
            : OsProcess.RunAsync(program, arguments, timeout: timeout, cancellationToken: cancellationToken);

    static async Task OwnAsync(string path, CancellationToken cancellationToken)
    {
        if (!OsProcess.IsRoot) return;
        var result = await OsProcess.RunAsync("chown", ["-R", "postgres:postgres", path], cancellationToken: cancellationToken);
        if (!result.Succeeded) throw new AppHostException($"Could not hand {path} to the postgres user: {result.Tail(2)}");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    string LogTail() => File.Exists(LogFile) ? new CommandResult(0, File.ReadAllText(LogFile)).Tail(10) : "";

    static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex DatabaseName();
}
