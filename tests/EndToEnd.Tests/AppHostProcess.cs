using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.EndToEnd.Tests;

/// <summary>
/// The AppHost started as a developer starts it (its built dll, from the repository root), on ports and a data
/// folder of its own so it never collides with a developer's running platform or the other tests' nodes.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    static readonly string Root = PublicInnovation.AppHost.Hosting.AppHostOptions.FindRepositoryRoot();
    readonly Process _process;
    readonly StringBuilder _output = new();

    AppHostProcess(Process process, string dataDir, int gatewayPort, int dashboardPort, int rabbitPort, int rabbitDistPort, int postgresPort)
    {
        RabbitDistPort = rabbitDistPort;
        _process = process;
        DataDir = dataDir;
        GatewayPort = gatewayPort;
        DashboardPort = dashboardPort;
        RabbitPort = rabbitPort;
        PostgresPort = postgresPort;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string DataDir { get; }
    public int GatewayPort { get; }
    public int DashboardPort { get; }
    public int RabbitPort { get; }
    public int RabbitDistPort { get; }
    public int PostgresPort { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public HttpClient Gateway { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    public HttpClient Dashboard { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static Task<AppHostProcess> StartAsync() =>
        StartAsync(Path.Combine(Path.GetTempPath(), "pi-e2e-" + Guid.NewGuid().ToString("N")[..8]),
            Ports.FindFree(), Ports.FindFree(), Ports.FindFree(), Ports.FindFree(), Ports.FindFree());

    /// <summary>Starts on the given folder and ports, as a second start after a crash would.</summary>
    public static Task<AppHostProcess> StartAsync(AppHostProcess previous) =>
        StartAsync(previous.DataDir, previous.GatewayPort, previous.DashboardPort, previous.RabbitPort, previous.RabbitDistPort, previous.PostgresPort);

    static async Task<AppHostProcess> StartAsync(string dataDir, int gateway, int dashboard, int rabbit, int rabbitDist, int postgres)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     AppHostDll(), "--data-dir", dataDir, "--gateway-port", $"{gateway}", "--dashboard-port", $"{dashboard}",
                     "--rabbitmq-port", $"{rabbit}", "--rabbitmq-dist-port", $"{rabbitDist}", "--postgres-port", $"{postgres}",
                     // A node name of its own: epmd is shared with a developer's AppHost and the tests' node.
                     "--rabbitmq-node", $"pi-e2e-{Path.GetFileName(dataDir)}@localhost",
                 })
            start.ArgumentList.Add(arg);
        var host = new AppHostProcess(Process.Start(start)!, dataDir, gateway, dashboard, rabbit, rabbitDist, postgres);
        host.Gateway.BaseAddress = new Uri($"http://127.0.0.1:{gateway}");
        host.Dashboard.BaseAddress = new Uri($"http://127.0.0.1:{dashboard}");
        await host.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(4));
        return host;
    }

    /// <summary>Runs <c>AppHost token ROLE</c> exactly as the README tells a newcomer to, and returns the printed token.</summary>
    public async Task<string> TokenAsync(string role, Guid? subject = null)
    {
        var args = new List<string> { AppHostDll(), "token", role, "--data-dir", DataDir };
        if (subject is not null) args.AddRange(["--subject", subject.Value.ToString()]);
        var result = await OsProcess.RunAsync("dotnet", args, workingDirectory: Root);
        if (result.ExitCode != 0) throw new InvalidOperationException($"token command failed: {result.Output}");
        return result.Output.Trim().Split('\n')[^1].Trim();
    }

    /// <summary>The resources as the AppHost reports them: name, state and pid.</summary>
    public async Task<JsonElement[]> ResourcesAsync() =>
        (await Dashboard.GetFromJsonAsync<JsonElement[]>("/api/resources"))!;

    async Task WaitUntilAllHealthyAsync(TimeSpan deadline)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode} before being healthy:\n{Tail()}");
            try
            {
                var resources = await ResourcesAsync();
                if (resources.Length >= 8 && resources.All(r => IsHealthy(r.GetProperty("state").GetString())))
                    return;
            }
            catch (HttpRequestException)
            {
                // Dashboard not listening yet.
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"The AppHost was not healthy within {deadline}:\n{Tail()}");
    }

    static bool IsHealthy(string? state) => state is not null &&
        (state.Equals("Healthy", StringComparison.OrdinalIgnoreCase) || state.Equals("Running", StringComparison.OrdinalIgnoreCase));

    public string Tail(int lines = 60) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    /// <summary>SIGTERM, as Ctrl+C or a service manager would send, then waits for the AppHost to exit.</summary>
    public async Task StopAsync(TimeSpan deadline)
    {
        if (_process.HasExited) return;
        OsProcess.Signal(_process.Id, 15);
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: the AppHost dies without cleaning up, its children left running.</summary>
    public async Task CrashAsync()
    {
        OsProcess.Signal(_process.Id, 9);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        Gateway.Dispose();
        Dashboard.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static string AppHostDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(Root, "AppHost", "bin", configuration, "net10.0", "PublicInnovation.AppHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the AppHost is missing.", dll);
    }

}
