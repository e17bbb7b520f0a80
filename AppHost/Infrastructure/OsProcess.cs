using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PublicInnovation.AppHost.Infrastructure;

/// <summary>
/// Linux process facts read from <c>/proc</c>. A pid recorded by an earlier run is acted on only while it is
/// still the same process (same start time, not a zombie), so a reused pid is never killed by mistake.
/// </summary>
public static class OsProcess
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    static extern uint SysGetEuid();

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && SysGetEuid() == 0;

    /// <summary>The process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { } stat && stat.State is not ('Z' or 'X');

    /// <summary>Start time in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>), or null when gone.</summary>
    public static long? StartTime(int pid) => Stat(pid)?.StartTime;

    /// <summary>The recorded process is still running: same pid and same start time.</summary>
    public static bool IsSame(int pid, long startTime) =>
        Stat(pid) is { } stat && stat.StartTime == startTime && stat.State is not ('Z' or 'X');

    public static int? SessionId(int pid) => Stat(pid)?.Session;

    /// <summary>The process's current directory (PostgreSQL's processes all run in their data directory).</summary>
    public static string? WorkingDirectory(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Live processes running in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<int> RunningIn(string directory) =>
        AllPids().Where(pid => IsAlive(pid) && WorkingDirectory(pid)?.TrimEnd('/') == directory.TrimEnd('/')).ToList();

    /// <summary>Deletes the file if it is there (no error when it, or its directory, is not).</summary>
    public static void DeleteFile(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    public static string? CommandName(int pid) => ReadProc(pid, "comm")?.Trim();

    public static IReadOnlyList<string> CommandLine(int pid) =>
        ReadProc(pid, "cmdline")?.Split('\0', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Every live process whose session id is <paramref name="sessionId"/> (what <c>setsid</c> started).</summary>
    public static IReadOnlyList<int> InSession(int sessionId) =>
        AllPids().Where(pid => Stat(pid) is { } s && s.Session == sessionId && s.State is not ('Z' or 'X')).ToList();

    /// <summary>Children, grandchildren... of <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var byParent = AllPids().Select(p => (Pid: p, Stat: Stat(p))).Where(p => p.Stat is not null)
            .ToLookup(p => p.Stat!.Value.Parent, p => p.Pid);
        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var current))
            foreach (var child in byParent[current])
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        return result;
    }

    public static bool Signal(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    /// <summary>Waits until the process is gone (or a zombie), polling; false on timeout.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (deadline.Elapsed > timeout) return false;
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }

    /// <summary>SIGTERM, then SIGKILL of the process and everything it started if it is still there after the grace period.</summary>
    public static async Task TerminateTreeAsync(int pid, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        var tree = Descendants(pid);
        Signal(pid, SigTerm);
        if (!await WaitForExitAsync(pid, grace, cancellationToken))
            Signal(pid, SigKill);
        foreach (var child in tree.Where(IsAlive))
            Signal(child, SigKill);
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(5), cancellationToken);
    }

    /// <summary>Runs a command to completion and captures its output (stdout and stderr interleaved).</summary>
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment)
                info.Environment[key] = value;

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            lock (output) return new CommandResult(-1, output + $"(timed out after {timeout})");
        }
        lock (output) return new CommandResult(process.ExitCode, output.ToString());
    }

    readonly record struct ProcStat(char State, int Parent, int Session, long StartTime);

    static ProcStat? Stat(int pid)
    {
        if (ReadProc(pid, "stat") is not { } text) return null;
        // The command name (field 2) may contain spaces and parentheses: fields are counted after its last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19
            ? new ProcStat(fields[0][0], int.Parse(fields[1]), int.Parse(fields[3]), long.Parse(fields[19]))
            : null;
    }

    static string? ReadProc(int pid, string file)
    {
        if (pid <= 0) return null;
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var pid) ? pid : 0)
            .Where(pid => pid > 0);
}

public sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty lines of the output, for error messages.</summary>
    public string Tail(int lines = 10) =>
        string.Join(Environment.NewLine, Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}
