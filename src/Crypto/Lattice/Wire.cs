using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Duet.Crypto.Lattice;

/// <summary>Residues on the wire: each at exactly bits(q_i) bits, prime-major, in one little-endian bit stream.</summary>
internal static class Wire
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteResidues(BfvParameters parameters, int level, ReadOnlySpan<ulong> values, Span<byte> output)
    {
        var count = values.Length / level;
        var writer = new BitWriter(output);
        for (var i = 0; i < level; i++)
        {
            var bits = parameters.Primes[i].Bits;
            foreach (var v in values.Slice(i * count, count))
            {
                writer.Write(v, bits);
            }
        }

        writer.Finish();
    }

    /// <summary>
    /// The polynomial of a seeded value from the peer (seed, then residues at every prime), after checking its exact
    /// size and that every residue is below its prime; failures become the caller's validation exception.
    /// </summary>
    public static ulong[] ReadSeeded(BfvParameters parameters, ReadOnlySpan<byte> bytes, string what, Func<string, string, Exception> fail)
    {
        if (bytes.Length != parameters.SeededCiphertextBytes)
        {
            throw fail($"{what}-size", $"A {what} has {parameters.SeededCiphertextBytes} bytes, got {bytes.Length}.");
        }

        var values = new ulong[parameters.Levels * parameters.Degree];
        if (!ReadResidues(parameters, parameters.Levels, bytes[Xof.SeedBytes..], values))
        {
            throw fail($"{what}-range", $"A {what} coefficient is not below its prime, or its padding is not zero.");
        }

        return values;
    }

    /// <summary>Reads residues; false if any is not below its prime or the bits after the last are not zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ReadResidues(BfvParameters parameters, int level, ReadOnlySpan<byte> input, Span<ulong> values)
    {
        var count = values.Length / level;
        var reader = new BitReader(input);
        var valid = true;
        for (var i = 0; i < level; i++)
        {
            var p = parameters.Primes[i];
            var row = values.Slice(i * count, count);
            for (var j = 0; j < count; j++)
            {
                row[j] = reader.Read(p.Bits);
                valid &= row[j] < p.Value;
            }
        }

        return valid & reader.AtCleanEnd;
    }

    /// <summary>A reply of this size is any bit pattern whose padding bits are zero: every coefficient is a value mod 2^w.</summary>
    public static bool IsCanonicalReply(BfvParameters parameters, int positions, ReadOnlySpan<byte> reply)
    {
        if (reply.Length != parameters.ReplyBytes(positions))
        {
            return false;
        }

        var padding = (reply.Length * 8) - BfvParameters.ReplyPayloadBits(parameters.Degree, parameters.PlainBits, positions);
        return padding == 0 || reply[^1] >> (int)(8 - padding) == 0;
    }
}

/// <summary>Values of up to 64 bits each into a little-endian bit stream with no gaps; the last byte is zero-padded.</summary>
internal ref struct BitWriter(Span<byte> output)
{
    private readonly Span<byte> output = output;
    private int offset;
    private UInt128 pending;
    private int pendingBits;

    /// <summary>The low <paramref name="bits"/> bits of <paramref name="value"/> (the rest must be zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ulong value, int bits)
    {
        pending |= (UInt128)value << pendingBits;
        pendingBits += bits;
        if (pendingBits >= 64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(offset, 8), (ulong)pending);
            offset += 8;
            pending >>= 64;
            pendingBits -= 64;
        }
    }

    /// <summary>A multiword value's low <paramref name="bits"/> bits, low word first.</summary>
    public void Write(scoped ReadOnlySpan<ulong> words, int bits)
    {
        for (var w = 0; bits > 0; w++, bits -= 64)
        {
            Write(words[w], Math.Min(64, bits));
        }
    }

    /// <summary>Writes the pending bits; the output must end exactly there.</summary>
    public void Finish()
    {
        for (; pendingBits > 0; pendingBits -= 8)
        {
            output[offset++] = (byte)pending;
            pending >>= 8;
        }

        if (offset != output.Length)
        {
            throw new ArgumentException($"The bit stream fills {offset} of {output.Length} bytes.");
        }
    }
}

/// <summary>Reads what <see cref="BitWriter"/> wrote.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> input = input;
    private int offset;
    private UInt128 pending;
    private int pendingBits;
    private bool overrun;

    /// <summary>True when every byte was read, none was missing and the bits left in the last one are zero (one encoding per value).</summary>
    public readonly bool AtCleanEnd => !overrun && offset == input.Length && pending == 0;

    /// <summary>The next <paramref name="bits"/> bits (1–64); zeros past the end, which <see cref="AtCleanEnd"/> then refuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Read(int bits)
    {
        if (pendingBits < bits)
        {
            if (offset + 8 <= input.Length)
            {
                pending |= (UInt128)BinaryPrimitives.ReadUInt64LittleEndian(input.Slice(offset, 8)) << pendingBits;
                offset += 8;
                pendingBits += 64;
            }
            else
            {
                while (pendingBits < bits && offset < input.Length)
                {
                    pending |= (UInt128)input[offset++] << pendingBits;
                    pendingBits += 8;
                }

                if (pendingBits < bits)
                {
                    overrun = true;
                    pendingBits = bits;
                }
            }
        }

        var value = (ulong)pending & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        pending >>= bits;
        pendingBits -= bits;
        return value;
    }

    /// <summary>A multiword value of <paramref name="bits"/> bits, low word first (the words beyond are cleared).</summary>
    public void Read(scoped Span<ulong> words, int bits)
    {
        words.Clear();
        for (var w = 0; bits > 0; w++, bits -= 64)
        {
            words[w] = Read(Math.Min(64, bits));
        }
    }
}
