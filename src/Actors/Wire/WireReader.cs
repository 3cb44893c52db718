using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;

namespace Duet.Actors.Wire;

/// <summary>Reads the little-endian wire format from untrusted bytes; every failure is a <see cref="SerializationException"/>
/// naming the message and the field.</summary>
internal ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly string _message;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer, string message)
    {
        _buffer = buffer;
        _message = message;
        _position = 0;
    }

    public readonly SerializationException Error(string detail) => new($"Malformed {_message}: {detail}.");

    public void ReadFormatVersion(byte expected = WireLimits.FormatVersion)
    {
        var version = Take(1, "format version")[0];
        if (version != expected)
        {
            throw Error($"wire format version {version} is not supported (expected {expected})");
        }
    }

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int), field));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long), field));

    /// <summary>Reads an int that must lie in [min, max].</summary>
    public int ReadInt32(string field, int min, int max = int.MaxValue)
    {
        var value = ReadInt32(field);
        if (value < min || value > max)
        {
            throw Error($"{field} = {value} is outside [{min}, {max}]");
        }

        return value;
    }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>Values written by <see cref="WireWriter.WriteNarrow"/>: <paramref name="width"/> bytes each, sign-extended.</summary>
    public void ReadNarrow(string field, Span<long> values, int width)
    {
        var bytes = Take(values.Length * width, field);
        var shift = 64 - (8 * width);
        Span<byte> entry = stackalloc byte[sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            bytes.Slice(i * width, width).CopyTo(entry);
            values[i] = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry) << shift >> shift;
        }
    }

    public byte ReadByte(string field) => Take(1, field)[0];

    public Guid ReadGuid(string field) => new(Take(16, field), bigEndian: true);

    public TEnum ReadEnum<TEnum>(string field)
        where TEnum : struct, Enum
    {
        int value = Take(1, field)[0];
        if (!Enum.IsDefined(typeof(TEnum), value))
        {
            throw Error($"{field} = {value} is not a valid {typeof(TEnum).Name}");
        }

        return (TEnum)Enum.ToObject(typeof(TEnum), value);
    }

    /// <summary>Reads an Int32 length prefix in [min, max] and that many bytes; the length is checked against the
    /// bytes actually present before anything is allocated.</summary>
    public ReadOnlySpan<byte> ReadBytes(string field, int min, int max)
    {
        var length = ReadInt32($"length of {field}");
        if (length < min || length > max)
        {
            throw Error($"length of {field} = {length} is outside [{min}, {max}]");
        }

        return Take(length, field);
    }

    public string ReadString(string field, int maxBytes)
    {
        var bytes = ReadBytes(field, 0, maxBytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SerializationException($"Malformed {_message}: {field} is not valid UTF-8.", ex);
        }
    }

    /// <summary>Every byte must have been consumed: trailing bytes mean a corrupted or foreign encoding.</summary>
    public readonly void End()
    {
        if (_position != _buffer.Length)
        {
            throw Error($"{_buffer.Length - _position} trailing bytes after the last field");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > _buffer.Length - _position)
        {
            throw Error($"truncated at {field} (needs {count} bytes at offset {_position}, {_buffer.Length - _position} left)");
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
