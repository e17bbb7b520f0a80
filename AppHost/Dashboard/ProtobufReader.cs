using System.Buffers.Binary;
using System.Text;

namespace PublicInnovation.AppHost.Dashboard;

public enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// The protobuf wire format, just enough to read OTLP: tags, varints, fixed 32/64-bit values and length-delimited
/// fields; anything else is skipped by wire type, so newer OTLP fields never break decoding.
/// </summary>
public ref struct ProtobufReader(ReadOnlySpan<byte> buffer)
{
    readonly ReadOnlySpan<byte> _buffer = buffer;
    int _position;

    public readonly bool End => _position >= _buffer.Length;

    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (End)
        {
            field = 0;
            wireType = default;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field == 0) throw new FormatException("Protobuf field number 0 is invalid.");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (End) throw new FormatException("Truncated protobuf varint.");
            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new FormatException("Protobuf varint longer than 10 bytes.");
    }

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ReadOnlySpan<byte> ReadLengthDelimited() => _buffer[ReadLengthDelimitedRange()];

    /// <summary>Where a length-delimited field's bytes are in the buffer, to come back to them later.</summary>
    public Range ReadLengthDelimitedRange()
    {
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position)) throw new FormatException("Truncated protobuf length-delimited field.");
        var start = _position;
        _position += (int)length;
        return start..(start + (int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: Take(4); break;
            default: throw new FormatException($"Unsupported protobuf wire type {(int)wireType}.");
        }
    }

    ReadOnlySpan<byte> Take(int count)
    {
        if (count > _buffer.Length - _position) throw new FormatException("Truncated protobuf message.");
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
