namespace PublicInnovation.AppHost.Dashboard;

/// <summary>One decoded span, ids as lowercase hex.</summary>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    string? Scope,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, object?> Attributes,
    SpanStatus Status)
{
    public double DurationMs => (End - Start).TotalMilliseconds;
}

public sealed record SpanStatus(string Code, string? Message);

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) into spans:
/// ResourceSpans → resource attributes (service.name) and ScopeSpans → scope name and spans.
/// </summary>
public static class OtlpTraceDecoder
{
    static readonly string[] Kinds = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
    static readonly string[] StatusCodes = ["Unset", "Ok", "Error"];

    public static IReadOnlyList<SpanRecord> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<SpanRecord>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) ReadResourceSpans(reader.ReadLengthDelimited(), spans);
            else reader.Skip(wire);
        }
        return spans;
    }

    static void ReadResourceSpans(ReadOnlySpan<byte> message, List<SpanRecord> spans)
    {
        // Fields may come in any order: keep the scope spans' bytes until the resource (service name) is known.
        var service = "unknown_service";
        var scopeSpans = new List<Range>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                var resource = ReadAttributesOf(reader.ReadLengthDelimited(), attributesField: 1);
                if (resource.TryGetValue("service.name", out var name) && name is string s) service = s;
            }
            else if (field == 2 && wire == WireType.LengthDelimited) scopeSpans.Add(reader.ReadLengthDelimitedRange());
            else reader.Skip(wire);
        }
        foreach (var range in scopeSpans)
            ReadScopeSpans(message[range], service, spans);
    }

    static void ReadScopeSpans(ReadOnlySpan<byte> message, string service, List<SpanRecord> spans)
    {
        string? scope = null;
        var spanMessages = new List<Range>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) scope = ReadScopeName(reader.ReadLengthDelimited());
            else if (field == 2 && wire == WireType.LengthDelimited) spanMessages.Add(reader.ReadLengthDelimitedRange());
            else reader.Skip(wire);
        }
        foreach (var range in spanMessages)
            spans.Add(ReadSpan(message[range], service, scope));
    }

    static string? ReadScopeName(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) return reader.ReadString();
            reader.Skip(wire);
        }
        return null;
    }

    static SpanRecord ReadSpan(ReadOnlySpan<byte> message, string service, string? scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        int kind = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object?>();
        var status = new SpanStatus("Unset", null);

        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): traceId = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                case (2, WireType.LengthDelimited): spanId = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                case (4, WireType.LengthDelimited):
                    var parentBytes = reader.ReadLengthDelimited();
                    parent = parentBytes.IsEmpty ? null : Convert.ToHexStringLower(parentBytes);
                    break;
                case (5, WireType.LengthDelimited): name = reader.ReadString(); break;
                case (6, WireType.Varint): kind = (int)reader.ReadVarint(); break;
                case (7, WireType.Fixed64): start = reader.ReadFixed64(); break;
                case (8, WireType.Fixed64): end = reader.ReadFixed64(); break;
                case (9, WireType.LengthDelimited): AddKeyValue(reader.ReadLengthDelimited(), attributes); break;
                case (15, WireType.LengthDelimited): status = ReadStatus(reader.ReadLengthDelimited()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new SpanRecord(traceId, spanId, parent, name, kind >= 0 && kind < Kinds.Length ? Kinds[kind] : kind.ToString(),
            service, scope, FromUnixNanos(start), FromUnixNanos(end), attributes, status);
    }

    static SpanStatus ReadStatus(ReadOnlySpan<byte> message)
    {
        string? text = null;
        var code = 0;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == WireType.LengthDelimited) text = reader.ReadString();
            else if (field == 3 && wire == WireType.Varint) code = (int)reader.ReadVarint();
            else reader.Skip(wire);
        }
        return new SpanStatus(code >= 0 && code < StatusCodes.Length ? StatusCodes[code] : code.ToString(), string.IsNullOrEmpty(text) ? null : text);
    }

    /// <summary>The KeyValue entries found under <paramref name="attributesField"/> of a message (Resource: 1).</summary>
    static Dictionary<string, object?> ReadAttributesOf(ReadOnlySpan<byte> message, int attributesField)
    {
        var attributes = new Dictionary<string, object?>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == attributesField && wire == WireType.LengthDelimited) AddKeyValue(reader.ReadLengthDelimited(), attributes);
            else reader.Skip(wire);
        }
        return attributes;
    }

    static void AddKeyValue(ReadOnlySpan<byte> message, Dictionary<string, object?> into)
    {
        string? key = null;
        object? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) key = reader.ReadString();
            else if (field == 2 && wire == WireType.LengthDelimited) value = ReadAnyValue(reader.ReadLengthDelimited());
            else reader.Skip(wire);
        }
        if (key is not null) into[key] = value;
    }

    /// <summary>AnyValue: string, bool, int64, double; arrays as lists, key-value lists as dictionaries, bytes as hex.</summary>
    static object? ReadAnyValue(ReadOnlySpan<byte> message)
    {
        object? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): value = reader.ReadString(); break;
                case (2, WireType.Varint): value = reader.ReadVarint() != 0; break;
                case (3, WireType.Varint): value = (long)reader.ReadVarint(); break;
                case (4, WireType.Fixed64): value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64()); break;
                case (5, WireType.LengthDelimited): value = ReadArray(reader.ReadLengthDelimited()); break;
                case (6, WireType.LengthDelimited): value = ReadAttributesOf(reader.ReadLengthDelimited(), attributesField: 1); break;
                case (7, WireType.LengthDelimited): value = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                default: reader.Skip(wire); break;
            }
        }
        return value;
    }

    static List<object?> ReadArray(ReadOnlySpan<byte> message)
    {
        var values = new List<object?>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) values.Add(ReadAnyValue(reader.ReadLengthDelimited()));
            else reader.Skip(wire);
        }
        return values;
    }

    static DateTimeOffset FromUnixNanos(ulong nanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
}
