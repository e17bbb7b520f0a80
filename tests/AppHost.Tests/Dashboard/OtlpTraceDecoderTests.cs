using PublicInnovation.AppHost.Dashboard;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Dashboard;

public sealed class OtlpTraceDecoderTests
{
    static readonly byte[] TraceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");
    static readonly byte[] RootId = Convert.FromHexString("b7ad6b7169203331");
    static readonly byte[] ChildId = Convert.FromHexString("00f067aa0ba902b7");
    const ulong Start = 1_795_305_140_123_456_789;

    [Fact]
    public void Decode_of_a_hand_built_request_reads_every_field_and_skips_unknown_ones()
    {
        // Resource after its scope spans, and unknown fields of every wire type at every level.
        var request = new ProtoWriter()
            .Varint(99, 7)
            .Message(1, resourceSpans => resourceSpans
                .Message(2, scopeSpans => scopeSpans
                    .Fixed32(42, 1)
                    .Message(2, span => span
                        .Bytes(1, TraceId).Bytes(2, ChildId).Bytes(4, RootId).String(5, "SELECT courses")
                        .Varint(6, 3).Fixed64(7, Start + 1_000_000).Fixed64(8, Start + 3_000_000)
                        .Message(9, kv => kv.String(1, "db.rows").Message(2, v => v.Varint(3, 12)))
                        .Message(9, kv => kv.String(1, "cached").Message(2, v => v.Varint(2, 1)))
                        .Message(9, kv => kv.String(1, "ratio").Message(2, v => v.Fixed64(4, BitConverter.DoubleToUInt64Bits(0.25))))
                        .Message(9, kv => kv.String(1, "tags").Message(2, v => v.Message(5, array => array
                            .Message(1, a => a.String(1, "x")).Message(1, a => a.String(1, "y")))))
                        .Message(11, ev => ev.String(2, "an event the decoder ignores"))
                        .Fixed32(16, 1)
                        .Message(15, status => status.String(2, "timeout").Varint(3, 2)))
                    .Message(1, scope => scope.String(1, "Npgsql").String(2, "10.0.0"))
                    .Message(2, span => span
                        .Bytes(1, TraceId).Bytes(2, RootId).Bytes(4, []).String(5, "GET /api/catalogue/courses")
                        .Varint(6, 2).Fixed64(7, Start).Fixed64(8, Start + 5_000_000).Fixed64(77, 5)))
                .String(3, "https://opentelemetry.io/schemas/1.0")
                .Message(1, resource => resource
                    .Message(1, kv => kv.String(1, "service.instance.id").Message(2, v => v.String(1, "abc")))
                    .Message(1, kv => kv.String(1, "service.name").Message(2, v => v.String(1, "catalogue")))
                    .Varint(2, 0)))
            .ToArray();

        var spans = OtlpTraceDecoder.Decode(request);

        spans.Count.ShouldBe(2);
        var child = spans[0];
        child.TraceId.ShouldBe("0af7651916cd43dd8448eb211c80319c");
        child.SpanId.ShouldBe("00f067aa0ba902b7");
        child.ParentSpanId.ShouldBe("b7ad6b7169203331");
        child.Name.ShouldBe("SELECT courses");
        child.Kind.ShouldBe("Client");
        child.Service.ShouldBe("catalogue");
        child.Scope.ShouldBe("Npgsql");
        child.Start.ShouldBe(DateTimeOffset.UnixEpoch.AddTicks((long)((Start + 1_000_000) / 100)));
        child.DurationMs.ShouldBe(2, tolerance: 0.001);
        child.Attributes["db.rows"].ShouldBe(12L);
        child.Attributes["cached"].ShouldBe(true);
        child.Attributes["ratio"].ShouldBe(0.25);
        child.Attributes["tags"].ShouldBe(new List<object?> { "x", "y" });
        child.Status.ShouldBe(new SpanStatus("Error", "timeout"));

        var root = spans[1];
        root.ParentSpanId.ShouldBeNull();
        root.Kind.ShouldBe("Server");
        root.Status.Code.ShouldBe("Unset");
        root.Service.ShouldBe("catalogue");
    }

    [Fact]
    public void Decode_without_a_service_name_uses_unknown_service()
    {
        var request = new ProtoWriter()
            .Message(1, rs => rs.Message(2, ss => ss.Message(2, span => span.Bytes(1, TraceId).Bytes(2, RootId).String(5, "work"))))
            .ToArray();

        OtlpTraceDecoder.Decode(request).ShouldHaveSingleItem().Service.ShouldBe("unknown_service");
    }

    [Fact]
    public void Decode_of_a_truncated_request_throws_FormatException()
    {
        var request = new ProtoWriter()
            .Message(1, rs => rs.Message(2, ss => ss.Message(2, span => span.Bytes(1, TraceId).String(5, "work"))))
            .ToArray();

        Should.Throw<FormatException>(() => OtlpTraceDecoder.Decode(request.AsSpan(0, request.Length - 3)));
    }

    [Fact]
    public void Decode_of_an_empty_request_returns_no_span()
    {
        OtlpTraceDecoder.Decode([]).ShouldBeEmpty();
    }
}
