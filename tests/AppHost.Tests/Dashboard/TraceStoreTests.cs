using PublicInnovation.AppHost.Dashboard;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Dashboard;

public sealed class TraceStoreTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    static SpanRecord Span(string trace, string span, string? parent, string service, int startMs, int durationMs = 10) =>
        new(trace, span, parent, $"{service} {span}", "Server", service, "test", T0.AddMilliseconds(startMs),
            T0.AddMilliseconds(startMs + durationMs), new Dictionary<string, object?>(), new SpanStatus("Unset", null));

    [Fact]
    public void Add_over_capacity_drops_the_oldest_spans_and_traces_left_empty()
    {
        var store = new TraceStore(capacity: 3);

        store.Add([Span("t1", "a", null, "gateway", 0), Span("t1", "b", "a", "catalogue", 1)]);
        store.Add([Span("t2", "c", null, "gateway", 50), Span("t2", "d", "c", "enrollment", 51)]);

        store.SpanCount.ShouldBe(3);
        store.Get("t1")!.Select(s => s.SpanId).ShouldBe(["b"]);
        store.Add([Span("t3", "e", null, "forum", 100)]);
        store.Get("t1").ShouldBeNull();
        store.TraceCount.ShouldBe(2);
        store.SpanCount.ShouldBe(3);
    }

    [Fact]
    public void Recent_lists_newest_first_filtered_by_service_and_limited()
    {
        var store = new TraceStore();
        store.Add([Span("t1", "a", null, "gateway", 0, 40), Span("t1", "b", "a", "catalogue", 5, 20)]);
        store.Add([Span("t2", "c", null, "gateway", 100), Span("t2", "d", "c", "enrollment", 101)]);
        store.Add([Span("t3", "e", null, "forum", 200)]);

        store.Recent().Select(t => t.TraceId).ShouldBe(["t3", "t2", "t1"]);
        store.Recent(service: "gateway", limit: 1).ShouldHaveSingleItem().TraceId.ShouldBe("t2");
        var first = store.Recent(service: "catalogue").ShouldHaveSingleItem();
        first.TraceId.ShouldBe("t1");
        first.RootSpan.ShouldBe("gateway a");
        first.Services.ShouldBe(["catalogue", "gateway"]);
        first.Start.ShouldBe(T0);
        first.DurationMs.ShouldBe(40, tolerance: 0.001);
        first.SpanCount.ShouldBe(2);
    }

    [Fact]
    public void Recent_names_the_earliest_orphan_as_root_when_the_root_span_was_dropped()
    {
        var store = new TraceStore();
        store.Add([Span("t1", "b", "gone", "catalogue", 5), Span("t1", "c", "b", "catalogue", 6)]);

        store.Recent().ShouldHaveSingleItem().RootSpan.ShouldBe("catalogue b");
    }
}
