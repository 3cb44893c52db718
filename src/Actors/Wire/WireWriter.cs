using System.Buffers.Binary;

namespace Duet.Actors.Wire;

/// <summary>Writes the little-endian wire format into a buffer sized exactly beforehand.</summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public WireWriter(Span<byte> buffer, byte formatVersion = WireLimits.FormatVersion)
    {
        _buffer = buffer;
        _position = 0;
        WriteByte(formatVersion);
    }

    /// <summary>Bytes of the format version byte.</summary>
    public const int HeaderBytes = 1;

    public const int GuidBytes = 16;

    /// <summary>Bytes of a length-prefixed field of <paramref name="length"/> bytes.</summary>
    public static int PrefixedBytes(int length) => sizeof(int) + length;

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_position..], value);
        _position += sizeof(int);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_position..], value);
        _position += sizeof(long);
    }

    /// <summary>Each value as little-endian two's complement in <paramref name="width"/> bytes (the caller checked it fits).</summary>
    public void WriteNarrow(ReadOnlySpan<long> values, int width)
    {
        Span<byte> entry = stackalloc byte[sizeof(long)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry, value);
            entry[..width].CopyTo(_buffer[_position..]);
            _position += width;
        }
    }

    public void WriteGuid(Guid value)
    {
        value.TryWriteBytes(_buffer.Slice(_position, GuidBytes), bigEndian: true, out _);
        _position += GuidBytes;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }
}
