namespace PublicInnovation.AppHost.Orchestration;

/// <summary>
/// The AppHost's console: every child's line prefixed with its padded, coloured resource name
/// (<c>catalogue    | ...</c>), whole lines only, whichever thread writes them.
/// </summary>
public sealed class ConsoleOutput(bool color, TextWriter? output = null, TextWriter? error = null)
{
    static readonly string[] Palette = ["36", "33", "35", "32", "34", "96", "93", "95", "92", "94"];

    readonly TextWriter _out = output ?? Console.Out;
    readonly TextWriter _err = error ?? Console.Error;
    readonly Lock _lock = new();
    readonly Dictionary<string, string> _colors = new();
    int _width = 10;

    public void Register(IEnumerable<string> names)
    {
        lock (_lock)
        {
            foreach (var name in names)
            {
                _colors.TryAdd(name, Palette[_colors.Count % Palette.Length]);
                _width = Math.Max(_width, name.Length);
            }
        }
    }

    /// <summary>A line of (or about) a resource.</summary>
    public void Resource(string name, string line, bool isError = false)
    {
        lock (_lock)
        {
            var prefix = name.PadRight(_width) + " | ";
            if (color && _colors.TryGetValue(name, out var code)) prefix = $"\e[{code}m{prefix}\e[0m";
            (isError ? _err : _out).WriteLine(prefix + line);
        }
    }

    public void Info(string line)
    {
        lock (_lock) _out.WriteLine(line);
    }

    public void Highlight(string line)
    {
        lock (_lock) _out.WriteLine(color ? $"\e[1;32m{line}\e[0m" : line);
    }

    public void Error(string line)
    {
        lock (_lock) _err.WriteLine(color ? $"\e[1;31m{line}\e[0m" : line);
    }

    /// <summary>Columns padded to their widest cell; the first row is the header.</summary>
    public void Table(IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows.Max(r => r.Length))
            .Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        lock (_lock)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var line = string.Join("  ", rows[i].Select((cell, c) => c == rows[i].Length - 1 ? cell : cell.PadRight(widths[c])));
                _out.WriteLine(i == 0 && color ? $"\e[1m{line}\e[0m" : line);
            }
        }
    }
}
