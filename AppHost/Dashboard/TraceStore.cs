namespace PublicInnovation.AppHost.Dashboard;

public sealed record TraceSummary(
    string TraceId,
    string RootSpan,
    IReadOnlyList<string> Services,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount);

/// <summary>
/// The most recent spans (a bounded number, oldest dropped first) grouped by trace id: enough to follow a request
/// through gateway, services and broker while developing, without any storage to manage.
/// </summary>
public sealed class TraceStore(int capacity = TraceStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    readonly Lock _lock = new();
    readonly Queue<SpanRecord> _arrival = new();
    readonly Dictionary<string, List<SpanRecord>> _traces = new();

    public int Capacity => capacity;

    public int SpanCount
    {
        get
        {
            lock (_lock) return _arrival.Count;
        }
    }

    public int TraceCount
    {
        get
        {
            lock (_lock) return _traces.Count;
        }
    }

    public void Add(IEnumerable<SpanRecord> spans)
    {
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                    _traces[span.TraceId] = trace = [];
                trace.Add(span);
                _arrival.Enqueue(span);
                while (_arrival.Count > capacity) Evict(_arrival.Dequeue());
            }
        }
    }

    /// <summary>Traces by start time, newest first; with a service, only traces that service took part in.</summary>
    public IReadOnlyList<TraceSummary> Recent(string? service = null, int limit = 50)
    {
        lock (_lock)
        {
            return _traces.Values
                .Where(spans => service is null || spans.Any(s => s.Service == service))
                .Select(Summarise)
                .OrderByDescending(t => t.Start)
                .Take(Math.Max(0, limit))
                .ToList();
        }
    }

    /// <summary>Every stored span of the trace, by start time; null when unknown (or already dropped).</summary>
    public IReadOnlyList<SpanRecord>? Get(string traceId)
    {
        lock (_lock)
        {
            return _traces.TryGetValue(traceId.ToLowerInvariant(), out var spans) ? spans.OrderBy(s => s.Start).ToList() : null;
        }
    }

    void Evict(SpanRecord oldest)
    {
        if (!_traces.TryGetValue(oldest.TraceId, out var trace)) return;
        trace.Remove(oldest);
        if (trace.Count == 0) _traces.Remove(oldest.TraceId);
    }

    static TraceSummary Summarise(List<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        // The root is the span without a parent here; when the real root was dropped, the earliest orphan stands in.
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId))
            .OrderBy(s => s.ParentSpanId is null ? 0 : 1).ThenBy(s => s.Start).First();
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        return new TraceSummary(root.TraceId, root.Name, spans.Select(s => s.Service).Distinct().Order().ToList(),
            start, (end - start).TotalMilliseconds, spans.Count);
    }
}
