using System.Diagnostics;
using Npgsql;
using PublicInnovation.AppHost.Dashboard;
using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Orchestration;

public static class ResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string External = "External";
    public const string Exited = "Exited";
    public const string Failed = "Failed";
    public const string Stopping = "Stopping";
    public const string Stopped = "Stopped";
}

sealed class ResourceRuntime(IResource resource)
{
    public IResource Resource { get; } = resource;
    public volatile string State = ResourceStates.NotStarted;
    public IReadOnlyList<string> Urls { get; set; } = [];
    public int? Pid { get; set; }
    public string? ConnectionString { get; set; }
    public int Port { get; set; }
    public ProjectProcess? Process { get; set; }
}

/// <summary>
/// Runs the resource graph: recovers what a killed AppHost left behind, checks prerequisites and ports before
/// starting anything, starts resources in dependency order, and stops everything in order on the way out.
/// </summary>
sealed class Orchestrator(AppHostOptions options, ResourceGraph graph, ConsoleOutput console)
{
    readonly Dictionary<IResource, ResourceRuntime> _runtime = graph.Resources.ToDictionary(r => r, r => new ResourceRuntime(r));
    readonly Lock _stateLock = new();
    readonly TraceStore _traces = new(options.TraceCapacity);
    AppHostState _state = new();
    FileStream? _lock;
    RabbitMqNode? _rabbit;
    PostgresCluster? _postgres;
    DashboardServer? _dashboard;
    string? _signingKey;
    volatile bool _stopping;

    public DashboardServer? Dashboard => _dashboard;

    public TimeSpan? ColdStart { get; private set; }

    public string? ConnectionStringOf(string resource) => _runtime.Values.FirstOrDefault(r => r.Resource.Name == resource)?.ConnectionString;

    public IReadOnlyList<ResourceSnapshot> Snapshot() =>
        graph.Resources.Select(r => _runtime[r]).Select(r => new ResourceSnapshot(
            r.Resource.Name, (r.Resource as Resource)?.Kind ?? "resource", r.State, r.Urls, r.Pid)).ToList();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        AcquireDataDirectory();
        await CrashRecovery.RecoverAsync(options.StateFile, line => console.Info($"recovery: {line}"), cancellationToken);
        if (options.Fresh) DeleteData();

        CheckPrerequisites();
        CheckPorts();
        CheckProjectsBuilt();

        _signingKey = DevTokens.LoadOrCreateKey(options.DataDirectory);
        _state = new AppHostState { AppHostPid = Environment.ProcessId, AppHostStartTime = OsProcess.StartTime(Environment.ProcessId) ?? 0 };
        SaveState();
        _dashboard = await DashboardServer.StartAsync(options.DashboardPort, _traces, Snapshot, cancellationToken);
        AssignProjectPorts();

        console.Register(graph.Resources.Select(r => r.Name));
        foreach (var runtime in _runtime.Values) runtime.State = ResourceStates.Waiting;
        await graph.StartAsync(StartResourceAsync, cancellationToken);
        ColdStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
    }

    async Task StartResourceAsync(IResource resource, CancellationToken cancellationToken)
    {
        var runtime = _runtime[resource];
        runtime.State = ResourceStates.Starting;
        var clock = Stopwatch.StartNew();
        try
        {
            switch (resource)
            {
                case RabbitMQServerResource rabbit: await StartRabbitMqAsync(rabbit, runtime, cancellationToken); break;
                case PostgresServerResource postgres: await StartPostgresAsync(postgres, runtime, cancellationToken); break;
                case PostgresDatabaseResource database: await CreateDatabaseAsync(database, runtime, cancellationToken); break;
                case ProjectResource project: await StartProjectAsync(project, runtime, cancellationToken); break;
                default: throw new AppHostException($"{resource.Name}: resources of type {resource.GetType().Name} cannot be run.");
            }
        }
        catch
        {
            runtime.State = ResourceStates.Failed;
            throw;
        }
        if (runtime.State != ResourceStates.External) runtime.State = ResourceStates.Running;
        console.Resource(resource.Name, $"healthy after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    async Task StartRabbitMqAsync(RabbitMQServerResource resource, ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        if (options.ConnectionStrings.TryGetValue(resource.Name, out var existing))
        {
            runtime.ConnectionString = existing;
            runtime.Urls = [Redact(existing)];
            runtime.State = ResourceStates.External;
            console.Resource(resource.Name, "using the existing broker of ConnectionStrings:" + resource.Name);
            return;
        }

        var dataDirectory = Path.Combine(options.DataDirectory, "rabbitmq");
        lock (_stateLock)
            _state.RabbitMq = new RabbitMqRecord(resource.Name, dataDirectory, options.RabbitMqNodeName, options.RabbitMqPort,
                options.RabbitMqDistributionPort, options.RabbitMqBinDirectory);
        SaveState();
        console.Resource(resource.Name, $"starting RabbitMQ node {options.RabbitMqNodeName} (AMQP {options.RabbitMqPort}, data {Relative(dataDirectory)})");
        _rabbit = new RabbitMqNode(new RabbitMqNodeOptions
        {
            DataDirectory = dataDirectory,
            AmqpPort = options.RabbitMqPort,
            DistributionPort = options.RabbitMqDistributionPort,
            NodeName = options.RabbitMqNodeName,
            BinDirectory = options.RabbitMqBinDirectory,
            StartTimeout = options.HealthTimeout,
        });
        await _rabbit.StartAsync(cancellationToken);
        runtime.ConnectionString = _rabbit.ConnectionString;
        runtime.Urls = [$"amqp://127.0.0.1:{options.RabbitMqPort}/"];
        runtime.Pid = _rabbit.Pid;
    }

    async Task StartPostgresAsync(PostgresServerResource resource, ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        if (options.ConnectionStrings.TryGetValue(resource.Name, out var existing))
        {
            runtime.ConnectionString = existing;
            runtime.Urls = [Redact(existing)];
            runtime.State = ResourceStates.External;
            console.Resource(resource.Name, "using the existing server of ConnectionStrings:" + resource.Name);
            return;
        }

        var dataDirectory = Path.Combine(options.DataDirectory, "postgres");
        lock (_stateLock) _state.Postgres = new PostgresRecord(resource.Name, dataDirectory, options.PostgresPort, options.PostgresBinDirectory);
        SaveState();
        console.Resource(resource.Name, $"starting PostgreSQL on port {options.PostgresPort} (data {Relative(dataDirectory)})");
        _postgres = new PostgresCluster(new PostgresClusterOptions
        {
            DataDirectory = dataDirectory,
            Port = options.PostgresPort,
            BinDirectory = options.PostgresBinDirectory,
            StartTimeout = options.HealthTimeout,
        });
        await _postgres.StartAsync(cancellationToken);
        runtime.ConnectionString = _postgres.ConnectionString;
        runtime.Urls = [$"postgresql://127.0.0.1:{options.PostgresPort}"];
        runtime.Pid = _postgres.Pid;
    }

    async Task CreateDatabaseAsync(PostgresDatabaseResource database, ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var server = _runtime[database.Server];
        await PostgresCluster.CreateDatabaseAsync(server.ConnectionString!, database.DatabaseName, cancellationToken);
        runtime.ConnectionString = _postgres is not null && server.State != ResourceStates.External
            ? _postgres.ConnectionStringFor(database.DatabaseName)
            : new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database.DatabaseName }.ConnectionString;
        runtime.Urls = [$"database {database.DatabaseName}"];
    }

    async Task StartProjectAsync(ProjectResource project, ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{runtime.Port}";
        var environment = ProjectEnvironment.Build(project, url, options.EnvironmentName,
            reference => _runtime[reference].ConnectionString
                         ?? throw new InvalidOperationException($"{reference.Name} has no connection string yet."),
            service => $"http://127.0.0.1:{_runtime[service].Port}",
            _dashboard!.Url.ToString().TrimEnd('/'),
            _signingKey);

        var (directory, dll) = Output(project);
        runtime.Urls = [url];
        // A session of its own: a Ctrl+C in the terminal reaches only the AppHost, which stops projects in order.
        var process = File.Exists("/usr/bin/setsid")
            ? ProjectProcess.Start(project.Name, "/usr/bin/setsid", [DotnetHost(), dll], directory, environment, console)
            : ProjectProcess.Start(project.Name, DotnetHost(), [dll], directory, environment, console);
        runtime.Process = process;
        runtime.Pid = process.Pid;
        lock (_stateLock) _state.Projects.Add(new TrackedProcess(project.Name, process.Pid, process.StartTime));
        SaveState();
        _ = process.Exited.ContinueWith(exit => OnProjectExited(project, runtime, exit.Result), TaskScheduler.Default);

        await process.WaitHealthyAsync(new Uri(url + "/health"), options.HealthTimeout, cancellationToken);
    }

    void OnProjectExited(ProjectResource project, ResourceRuntime runtime, int exitCode)
    {
        lock (_stateLock) _state.Projects.RemoveAll(p => p.Resource == project.Name);
        if (_stopping)
        {
            runtime.State = ResourceStates.Stopped;
            return;
        }
        SaveState();
        runtime.State = exitCode == 0 ? ResourceStates.Exited : ResourceStates.Failed;
        console.Error($"{project.Name} exited with code {exitCode}.");
    }

    /// <summary>Projects first (SIGTERM, then kill), then the broker, then the database server.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        var projects = _runtime.Values.Where(r => r.Process is not null).ToList();
        foreach (var project in projects.Where(p => !p.Process!.Exited.IsCompleted)) project.State = ResourceStates.Stopping;
        await Task.WhenAll(projects.Select(p => p.Process!.StopAsync(options.StopGracePeriod)));
        foreach (var project in projects) project.State = ResourceStates.Stopped;

        if (_rabbit is not null)
        {
            await StopInfrastructureAsync(_rabbit.StopAsync, typeof(RabbitMQServerResource));
            lock (_stateLock) _state.RabbitMq = null;
        }
        if (_postgres is not null)
        {
            await StopInfrastructureAsync(_postgres.StopAsync, typeof(PostgresServerResource));
            lock (_stateLock) _state.Postgres = null;
        }
        if (_dashboard is not null) await _dashboard.DisposeAsync();

        if (_lock is not null)
        {
            OsProcess.DeleteFile(options.StateFile);
            _lock.Dispose();
            _lock = null;
        }
    }

    /// <summary>What the kernel does when the AppHost is killed: the lock and the dashboard's port are released, nothing else.</summary>
    internal async Task AbandonAsync()
    {
        _stopping = true;
        if (_dashboard is not null) await _dashboard.DisposeAsync();
        _lock?.Dispose();
        _lock = null;
    }

    async Task StopInfrastructureAsync(Func<CancellationToken, Task> stop, Type kind)
    {
        var runtimes = _runtime.Values.Where(r => r.Resource.GetType() == kind).ToList();
        foreach (var runtime in runtimes) runtime.State = ResourceStates.Stopping;
        try
        {
            await stop(CancellationToken.None);
        }
        catch (Exception e)
        {
            console.Error($"Could not stop {string.Join(", ", runtimes.Select(r => r.Resource.Name))}: {e.Message}");
        }
        foreach (var runtime in runtimes) runtime.State = ResourceStates.Stopped;
    }

    public void PrintSummary()
    {
        var rows = new List<string[]> { new[] { "resource", "state", "url" } };
        rows.AddRange(graph.Resources.Select(r => _runtime[r]).Select(r => new[] { r.Resource.Name, r.State, string.Join(", ", r.Urls) }));
        console.Info("");
        console.Table(rows);
        console.Info("");
        console.Highlight($"All {graph.Resources.Count} resources healthy: cold start {ColdStart?.TotalSeconds:0.0} s (AppHost process start to all healthy).");
        var dashboard = _dashboard!.Url.ToString().TrimEnd('/');
        console.Info($"Traces:    {dashboard}/api/traces?service=&limit=20   (one trace: {dashboard}/api/traces/<traceId>; resources: {dashboard}/api/resources)");
        console.Info($"Token:     dotnet run --project AppHost -- token <{string.Join("|", DevTokens.Roles)}>{(options.DataDirectory == Path.Combine(options.RepositoryRoot, ".apphost") ? "" : $" --data-dir {options.DataDirectory}")}");
        console.Info("Ctrl+C stops everything.");
    }

    void AcquireDataDirectory()
    {
        try
        {
            // Held while running; the kernel releases it when this process dies, however it dies.
            _lock = new FileStream(Path.Combine(options.DataDirectory, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new AppHostException(
                $"Another AppHost is already running with the data in {options.DataDirectory}: stop it, or start this one with --data-dir <dir> and other ports.");
        }
    }

    void DeleteData()
    {
        console.Info($"--fresh: deleting {options.DataDirectory}");
        foreach (var entry in new DirectoryInfo(options.DataDirectory).EnumerateFileSystemInfos())
        {
            if (entry.Name == "apphost.lock") continue;
            if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
            else entry.Delete();
        }
    }

    void CheckPrerequisites()
    {
        if (graph.Resources.OfType<RabbitMQServerResource>().Any(r => !options.ConnectionStrings.ContainsKey(r.Name))
            && !File.Exists(Path.Combine(options.RabbitMqBinDirectory, "rabbitmq-server")))
            throw new PrerequisiteMissingException(RabbitMqNode.NotInstalledMessage);

        if (graph.Resources.OfType<PostgresServerResource>().Any(r => !options.ConnectionStrings.ContainsKey(r.Name))
            && (options.PostgresBinDirectory ?? PostgresCluster.FindBinDirectory()) is var bin
            && (bin is null || !File.Exists(Path.Combine(bin, "initdb"))))
            throw new PrerequisiteMissingException(PostgresCluster.NotInstalledMessage);
    }

    void CheckProjectsBuilt()
    {
        foreach (var project in graph.Resources.OfType<ProjectResource>())
        {
            var (_, dll) = Output(project);
            if (!File.Exists(dll))
                throw new AppHostException(
                    $"{project.Name} is not built ({Relative(dll)} is missing): start with `dotnet run --project AppHost`, which builds every project first, or run `dotnet build` -c {options.Configuration}.");
        }
    }

    void CheckPorts()
    {
        var fixedPorts = new List<(int Port, string What, string Option)> { (options.DashboardPort, "dashboard", "--dashboard-port") };
        foreach (var rabbit in graph.Resources.OfType<RabbitMQServerResource>().Where(r => !options.ConnectionStrings.ContainsKey(r.Name)))
        {
            fixedPorts.Add((options.RabbitMqPort, rabbit.Name, "--rabbitmq-port"));
            fixedPorts.Add((options.RabbitMqDistributionPort, $"{rabbit.Name} distribution", "--rabbitmq-dist-port"));
        }
        foreach (var postgres in graph.Resources.OfType<PostgresServerResource>().Where(r => !options.ConnectionStrings.ContainsKey(r.Name)))
            fixedPorts.Add((options.PostgresPort, postgres.Name, "--postgres-port"));
        foreach (var project in graph.Resources.OfType<ProjectResource>())
            if (FixedPort(project) is { } port)
                fixedPorts.Add((port, project.Name, $"--{project.Name}-port"));

        foreach (var (port, what, option) in fixedPorts)
            if (port != 0 && !Ports.IsFree(port))
                throw new AppHostException($"Port {port} ({what}) is already in use by another program: stop it or start with {option} <port>.");
        if (fixedPorts.Where(p => p.Port != 0).GroupBy(p => p.Port).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new AppHostException($"Port {clash.Key} is given to both {string.Join(" and ", clash.Select(c => c.What))}: choose another with {clash.Last().Option} <port>.");
    }

    int? FixedPort(ProjectResource project) =>
        options.ProjectPorts.TryGetValue(project.Name, out var port) ? port : project.HttpPort;

    void AssignProjectPorts()
    {
        var taken = new HashSet<int> { options.DashboardPort, options.RabbitMqPort, options.RabbitMqDistributionPort, options.PostgresPort };
        foreach (var project in graph.Resources.OfType<ProjectResource>())
        {
            var port = FixedPort(project) is { } fixedPort and > 0 ? fixedPort : Ports.FindFree();
            while (!taken.Add(port)) port = Ports.FindFree();
            _runtime[project].Port = port;
            _runtime[project].Urls = [$"http://127.0.0.1:{port}"];
        }
    }

    (string Directory, string Dll) Output(ProjectResource project)
    {
        var directory = Path.GetFullPath(Path.Combine(options.RepositoryRoot, project.ProjectPath));
        var projectFile = Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.csproj").FirstOrDefault() : null;
        if (projectFile is null)
            throw new AppHostException($"{project.Name}: no project file in {Relative(directory)}.");
        // Directory.Build.props names every assembly PublicInnovation.<project file name>.
        var assembly = "PublicInnovation." + Path.GetFileNameWithoutExtension(projectFile);
        return (directory, Path.Combine(directory, "bin", options.Configuration, "net10.0", assembly + ".dll"));
    }

    void SaveState()
    {
        lock (_stateLock)
            if (_lock is not null) _state.Write(options.StateFile);
    }

    string Relative(string path) => Path.GetRelativePath(options.RepositoryRoot, path);

    /// <summary>Shows where an existing server is without printing its password.</summary>
    static string Redact(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, "(?i)(password=)[^;]*|(://[^:/@]+:)[^@]*(@)", m =>
            m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***" + m.Groups[3].Value);

    /// <summary>The dotnet host running us (under <c>dotnet run</c> we are the apphost executable, so look further).</summary>
    static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } hostPath && File.Exists(hostPath)) return hostPath;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
