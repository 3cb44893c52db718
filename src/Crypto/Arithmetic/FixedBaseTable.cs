using System.Numerics;

namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Powers base^(j·2^(w·i)) for every w-bit window i of an exponent of bounded length, so that base^e costs one
/// multiplication per window and no squaring. Built once, then read by many threads.
/// </summary>
public sealed class FixedBaseTable : IDisposable
{
    // Products ahead at which an entry's digits are fetched (its header twice as far ahead).
    private const int PrefetchDistance = 2;

    private readonly MontgomeryContext context;
    private readonly Residue[] entries;
    private readonly Residue one;

    public FixedBaseTable(MontgomeryContext context, Residue @base, int exponentBits, int windowBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exponentBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 16);
        this.context = context;
        ExponentBits = exponentBits;
        WindowBits = windowBits;
        Windows = (exponentBits + windowBits - 1) / windowBits;
        var perWindow = (1 << windowBits) - 1;
        entries = new Residue[Windows * perWindow];
        one = context.NewResidue();
        context.SetOne(one);
        using var step = context.NewResidue();
        context.Copy(@base, step);
        for (var i = 0; i < Windows; i++)
        {
            var row = i * perWindow;
            entries[row] = context.NewResidue();
            context.Copy(step, entries[row]);
            for (var j = 1; j < perWindow; j++)
            {
                entries[row + j] = context.NewResidue();
                context.Multiply(entries[row + j - 1], step, entries[row + j]);
            }

            context.Multiply(entries[row + perWindow - 1], step, step);
        }
    }

    public int ExponentBits { get; }

    public int WindowBits { get; }

    public int Windows { get; }

    /// <summary>Residues held by a table of these dimensions, for memory budgeting.</summary>
    public static long EntryCount(int exponentBits, int windowBits) =>
        (long)((exponentBits + windowBits - 1) / windowBits) * ((1 << windowBits) - 1);

    /// <summary>
    /// accumulator ·= base^exponent, for 0 ≤ exponent &lt; 2^ExponentBits, with one multiplication per window
    /// whatever the exponent's value.
    /// </summary>
    public void MultiplyPower(ulong exponent, Residue accumulator)
    {
        if (ExponentBits < 64 && exponent >> ExponentBits != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), $"The exponent exceeds the table's {ExponentBits} bits.");
        }

        var mask = (1UL << WindowBits) - 1;
        Span<int> digits = stackalloc int[Windows];
        for (var i = 0; i < Windows; i++, exponent >>= WindowBits)
        {
            digits[i] = (int)(exponent & mask);
        }

        Walk(digits, accumulator);
    }

    /// <summary>destination = base^exponent, for 0 ≤ exponent &lt; 2^ExponentBits.</summary>
    public void Pow(BigInteger exponent, Residue destination)
    {
        if (exponent.Sign < 0 || exponent.GetBitLength() > ExponentBits)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), $"The exponent must be non-negative and fit in {ExponentBits} bits.");
        }

        var bytes = exponent.ToByteArray(isUnsigned: true);
        var digits = Windows <= 256 ? stackalloc int[Windows] : new int[Windows];
        for (var i = 0; i < Windows; i++)
        {
            digits[i] = Bits.Window(bytes, i * WindowBits, WindowBits);
        }

        Array.Clear(bytes);
        context.SetOne(destination);
        Walk(digits, destination);
        digits.Clear();
    }

    // accumulator ·= Π entry(i, digit_i), fetching each entry's header and digits a few products ahead.
    private void Walk(ReadOnlySpan<int> digits, Residue accumulator)
    {
        for (var i = 0; i < digits.Length; i++)
        {
            if (i + (2 * PrefetchDistance) < digits.Length)
            {
                context.Prefetch(Entry(i + (2 * PrefetchDistance), digits[i + (2 * PrefetchDistance)]), digits: false);
            }

            if (i + PrefetchDistance < digits.Length)
            {
                context.Prefetch(Entry(i + PrefetchDistance, digits[i + PrefetchDistance]), digits: true);
            }

            context.Multiply(accumulator, Entry(i, digits[i]), accumulator);
        }
    }

    public void Dispose()
    {
        foreach (var entry in entries)
        {
            entry?.Dispose();
        }

        one.Dispose();
    }

    // A zero digit multiplies by one, so the count of multiplications does not depend on the exponent.
    private Residue Entry(int window, int digit) =>
        digit == 0 ? one : entries[(window * ((1 << WindowBits) - 1)) + digit - 1];
}

internal static class Bits
{
    /// <summary>The `width`-bit window of a little-endian number starting at bit `start`.</summary>
    public static int Window(ReadOnlySpan<byte> littleEndian, int start, int width)
    {
        var value = 0;
        for (var b = 0; b < width; b++)
        {
            var position = start + b;
            var index = position >> 3;
            if (index < littleEndian.Length)
            {
                value |= ((littleEndian[index] >> (position & 7)) & 1) << b;
            }
        }

        return value;
    }
}
