using System.Diagnostics;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Orchestration;

/// <summary>
/// A project run as <c>dotnet PROJECT.dll</c> from its build output, its output lines forwarded to the console
/// under its name, and the last of them kept to explain a failure.
/// </summary>
public sealed class ProjectProcess : IAsyncDisposable
{
    const int KeptLines = 40;

    readonly Process _process;
    readonly string _name;
    readonly Queue<string> _lastLines = new();
    readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    ProjectProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public int Pid => _process.Id;

    public long StartTime { get; private set; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public IReadOnlyList<string> LastLines
    {
        get
        {
            lock (_lastLines) return _lastLines.ToList();
        }
    }

    public static ProjectProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, ConsoleOutput console)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var project = new ProjectProcess(name, process);
        process.OutputDataReceived += (_, e) => project.OnLine(e.Data, console, isError: false);
        process.ErrorDataReceived += (_, e) => project.OnLine(e.Data, console, isError: true);
        process.Exited += (_, _) =>
        {
            // Drain the remaining output before reporting the exit, so the last lines are complete.
            process.WaitForExit();
            project._exited.TrySetResult(process.ExitCode);
        };
        process.Start();
        project.StartTime = OsProcess.StartTime(process.Id) ?? 0;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return project;
    }

    void OnLine(string? line, ConsoleOutput console, bool isError)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines) _lastLines.Dequeue();
        }
        console.Resource(_name, line, isError);
    }

    /// <summary>Polls <paramref name="health"/> until it answers 200; fails if the process exits first or time runs out.</summary>
    public async Task WaitHealthyAsync(Uri health, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string? lastAnswer = null;
        while (true)
        {
            if (Exited.IsCompleted)
                throw new AppHostException(
                    $"{_name} exited with code {Exited.Result} before it was healthy; its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, LastLines.TakeLast(20))}");
            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode) return;
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                lastAnswer = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "no answer within 5 s";
            }

            if (clock.Elapsed > timeout)
                throw new AppHostException(
                    $"{_name} was not healthy after {timeout.TotalSeconds:0} s (GET {health} last answered: {lastAnswer}); its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, LastLines.TakeLast(20))}");
            await Task.WhenAny(Task.Delay(250, cancellationToken), Exited);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>SIGTERM (the host shuts down gracefully), then a kill of the whole tree after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted) return;
        OsProcess.Signal(_process.Id, OsProcess.SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            _process.Kill(entireProcessTree: true);
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
