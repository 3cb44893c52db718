using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Serialization;

namespace Duet.Actors.Wire;

/// <summary>The value encoding of <see cref="Protocol.RevealedShare"/>: each value is a UInt16 little-endian length L
/// (1 ≤ L ≤ <see cref="MaxValueBytes"/>) followed by L bytes of minimal big-endian two's complement.
/// Exactly one encoding per value, so equal shares give equal bytes.</summary>
public static class SignedIntegerCodec
{
    /// <summary>Bytes of one value (8192 bits, far above any slot width).</summary>
    public const int MaxValueBytes = 1024;

    private const int PrefixBytes = sizeof(ushort);

    /// <summary>Bytes one value takes in the encoding, its length prefix included.</summary>
    public static int EncodedBytes(BigInteger value) => PrefixBytes + value.GetByteCount();

    public static byte[] Encode(ReadOnlySpan<BigInteger> values)
    {
        long total = 0;
        foreach (var value in values)
        {
            total += PrefixBytes + CheckedByteCount(value);
        }

        var encoded = new byte[checked((int)total)];
        var position = 0;
        foreach (var value in values)
        {
            var length = value.GetByteCount();
            BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(position), (ushort)length);
            value.TryWriteBytes(encoded.AsSpan(position + PrefixBytes, length), out _, isUnsigned: false, isBigEndian: true);
            position += PrefixBytes + length;
        }

        return encoded;
    }

    /// <summary>Decodes exactly <paramref name="count"/> values that must fill <paramref name="encoded"/>.</summary>
    /// <exception cref="SerializationException">The bytes are not exactly <paramref name="count"/> well-formed values.</exception>
    public static BigInteger[] Decode(ReadOnlySpan<byte> encoded, int count)
    {
        Validate(encoded, count);
        var values = new BigInteger[count];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(encoded[position..]);
            values[i] = new BigInteger(encoded.Slice(position + PrefixBytes, length), isUnsigned: false, isBigEndian: true);
            position += PrefixBytes + length;
        }

        return values;
    }

    /// <summary>Checks, without allocating, that <paramref name="encoded"/> is exactly <paramref name="count"/> well-formed values.</summary>
    /// <exception cref="SerializationException">It is not.</exception>
    public static void Validate(ReadOnlySpan<byte> encoded, int count)
    {
        if (count < 0 || (long)count * (PrefixBytes + 1) > encoded.Length)
        {
            throw Malformed($"{encoded.Length} bytes cannot hold {count} values");
        }

        var position = 0;
        for (var i = 0; i < count; i++)
        {
            if (encoded.Length - position < PrefixBytes)
            {
                throw Malformed($"truncated at the length of value {i}");
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(encoded[position..]);
            position += PrefixBytes;
            if (length is < 1 or > MaxValueBytes)
            {
                throw Malformed($"value {i} has length {length}, outside [1, {MaxValueBytes}]");
            }

            if (encoded.Length - position < length)
            {
                throw Malformed($"truncated in value {i}");
            }

            if (length > 1 && IsRedundantSignByte(encoded[position], encoded[position + 1]))
            {
                throw Malformed($"value {i} is not in minimal two's complement form");
            }

            position += length;
        }

        if (position != encoded.Length)
        {
            throw Malformed($"{encoded.Length - position} trailing bytes after {count} values");
        }
    }

    private static bool IsRedundantSignByte(byte first, byte second) =>
        (first == 0x00 && (second & 0x80) == 0) || (first == 0xFF && (second & 0x80) != 0);

    private static int CheckedByteCount(BigInteger value)
    {
        var length = value.GetByteCount();
        if (length > MaxValueBytes)
        {
            throw new ArgumentException($"A value of {length} bytes exceeds the limit of {MaxValueBytes} bytes.", nameof(value));
        }

        return length;
    }

    private static SerializationException Malformed(string detail) => new($"Malformed revealed share values: {detail}.");
}
