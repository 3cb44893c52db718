namespace Duet.Actors.Wire;

/// <summary>Packing of ciphertexts as fixed-width unsigned big-endian values, concatenated: the payload of
/// <see cref="Protocol.EncryptedBlock"/> and <see cref="Protocol.ResultBlock"/>.</summary>
public static class CiphertextBlockCodec
{
    /// <summary>True if <paramref name="length"/> bytes hold exactly <paramref name="count"/> ciphertexts of
    /// <paramref name="width"/> bytes.</summary>
    public static bool IsValidLayout(int count, int width, int length) =>
        count >= 0 && width > 0 && (long)count * width == length;

    /// <exception cref="ArgumentException">The layout does not hold.</exception>
    public static void ValidateLayout(int count, int width, int length)
    {
        if (!IsValidLayout(count, width, length))
        {
            throw new ArgumentException(
                $"{length} bytes cannot hold exactly {count} ciphertexts of {width} bytes (expected {(long)count * width}).");
        }
    }

    /// <summary>How many ciphertexts of <paramref name="width"/> bytes a block of about
    /// <paramref name="blockBytes"/> payload bytes (<c>duet.flow.block-bytes</c>) carries; at least one.</summary>
    public static int PerBlock(int blockBytes, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Math.Max(1, blockBytes / width);
    }

    /// <summary>A view of <paramref name="count"/> ciphertexts of <paramref name="width"/> bytes.</summary>
    /// <exception cref="ArgumentException">The span is not exactly count·width bytes.</exception>
    public static CiphertextBlockView View(ReadOnlySpan<byte> ciphertexts, int count, int width)
    {
        ValidateLayout(count, width, ciphertexts.Length);
        return new CiphertextBlockView(ciphertexts, count, width);
    }

    /// <summary>Writes an unsigned big-endian integer into <paramref name="destination"/>, left-padded with zeros.
    /// Leading zero bytes of the input are ignored.</summary>
    /// <exception cref="ArgumentException">The value needs more bytes than the destination has.</exception>
    public static void WriteFixedWidth(ReadOnlySpan<byte> unsignedBigEndian, Span<byte> destination)
    {
        var significant = unsignedBigEndian.TrimStart((byte)0);
        if (significant.Length > destination.Length)
        {
            throw new ArgumentException(
                $"A value of {significant.Length} significant bytes does not fit a ciphertext width of {destination.Length} bytes.",
                nameof(unsignedBigEndian));
        }

        var padding = destination.Length - significant.Length;
        destination[..padding].Clear();
        significant.CopyTo(destination[padding..]);
    }

    /// <summary>Concatenates unsigned big-endian values, each left-padded to <paramref name="width"/> bytes.</summary>
    public static byte[] Pack(IReadOnlyList<byte[]> unsignedBigEndian, int width)
    {
        ArgumentNullException.ThrowIfNull(unsignedBigEndian);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var packed = new byte[checked(unsignedBigEndian.Count * width)];
        for (var i = 0; i < unsignedBigEndian.Count; i++)
        {
            WriteFixedWidth(unsignedBigEndian[i], packed.AsSpan(i * width, width));
        }

        return packed;
    }
}

/// <summary>Fixed-width ciphertexts over a contiguous buffer, without copying.</summary>
public readonly ref struct CiphertextBlockView
{
    private readonly ReadOnlySpan<byte> _ciphertexts;

    internal CiphertextBlockView(ReadOnlySpan<byte> ciphertexts, int count, int width)
    {
        _ciphertexts = ciphertexts;
        Count = count;
        Width = width;
    }

    public int Count { get; }

    public int Width { get; }

    /// <summary>Ciphertext <paramref name="index"/> of the block (not of the plan), unsigned big-endian, <see cref="Width"/> bytes.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _ciphertexts.Slice(index * Width, Width);
        }
    }
}
