using System.Numerics;

namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Powers base^(j·2^(w·i)) for every w-bit window i of an exponent of bounded length, so that base^e costs one
/// multiplication per window and no squaring. Built once, then read by many threads.
/// </summary>
/// <remarks>
/// A <em>signed</em> table recodes the exponent into digits in [−2^(w−1), 2^(w−1)] and stores only j = 1 … 2^(w−1):
/// half the entries of an unsigned table of the same window, one window more at most. The factors of negative digits
/// go into a second accumulator, which the caller inverts (once per batch of results, by Montgomery's trick).
/// </remarks>
public sealed class FixedBaseTable : IDisposable
{
    // Products ahead at which an entry's digits are fetched (its header twice as far ahead).
    private const int PrefetchDistance = 2;

    private readonly MontgomeryContext context;
    private readonly Residue[] entries;
    private readonly Residue one;
    private readonly PinnedResidue[] pinned;
    private readonly PinnedResidue pinnedOne;
    private bool disposed;
    private readonly int perWindow;

    public FixedBaseTable(MontgomeryContext context, Residue @base, int exponentBits, int windowBits, bool signedDigits = false, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exponentBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, signedDigits ? 2 : 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 16);
        this.context = context;
        ExponentBits = exponentBits;
        WindowBits = windowBits;
        Signed = signedDigits;
        Windows = WindowCount(exponentBits, windowBits, signedDigits);
        perWindow = EntriesPerWindow(windowBits, signedDigits);
        entries = new Residue[Windows * perWindow];
        one = context.NewResidue();
        context.SetOne(one);

        // steps[i] = base^(2^(w·i)), by squarings; then every window's row from its step, rows in parallel.
        var steps = new Residue[Windows];
        try
        {
            steps[0] = context.NewResidue();
            context.Copy(@base, steps[0]);
            for (var i = 1; i < Windows; i++)
            {
                steps[i] = context.NewResidue();
                context.Copy(steps[i - 1], steps[i]);
                context.SquareTimes(steps[i], windowBits);
            }

            Parallel.For(0, Windows, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
            {
                var row = i * perWindow;
                entries[row] = context.NewResidue();
                context.Copy(steps[i], entries[row]);
                for (var j = 1; j < perWindow; j++)
                {
                    entries[row + j] = context.NewResidue();
                    context.Multiply(entries[row + j - 1], steps[i], entries[row + j]);
                }
            });
        }
        finally
        {
            foreach (var step in steps)
            {
                step?.Dispose();
            }
        }

        pinned = Array.ConvertAll(entries, context.Pin);
        pinnedOne = context.Pin(one);
    }

    public int ExponentBits { get; }

    public int WindowBits { get; }

    public int Windows { get; }

    /// <summary>Digits are signed (<see cref="MultiplyPower(ulong, Residue, Residue)"/>) rather than unsigned.</summary>
    public bool Signed { get; }

    /// <summary>Residues held by a table of these dimensions, for memory budgeting.</summary>
    public static long EntryCount(int exponentBits, int windowBits, bool signedDigits = false) =>
        (long)WindowCount(exponentBits, windowBits, signedDigits) * EntriesPerWindow(windowBits, signedDigits);

    /// <summary>Windows (products per power) of a table of these dimensions: a signed recoding needs one bit more.</summary>
    public static int WindowCount(int exponentBits, int windowBits, bool signedDigits = false) =>
        (exponentBits + (signedDigits ? 1 : 0) + windowBits - 1) / windowBits;

    private static int EntriesPerWindow(int windowBits, bool signedDigits) =>
        signedDigits ? 1 << (windowBits - 1) : (1 << windowBits) - 1;

    /// <summary>
    /// accumulator ·= base^exponent, for 0 ≤ exponent &lt; 2^ExponentBits, with one multiplication per window
    /// whatever the exponent's value. Unsigned tables only.
    /// </summary>
    public void MultiplyPower(ulong exponent, Residue accumulator)
    {
        RequireSigned(false);
        CheckRange(exponent);
        var mask = (1UL << WindowBits) - 1;
        Span<int> digits = stackalloc int[Windows];
        for (var i = 0; i < Windows; i++, exponent >>= WindowBits)
        {
            digits[i] = (int)(exponent & mask);
        }

        Walk(digits, accumulator, accumulator);
    }

    /// <summary>
    /// positive ·= Π base^(d_i·2^(w·i)) over the non-negative signed digits of the exponent and negative ·= the same
    /// over the magnitudes of the negative ones, so that base^exponent = positive / negative: one multiplication per
    /// window whatever the exponent's value. Signed tables only; 0 ≤ exponent &lt; 2^ExponentBits.
    /// </summary>
    public void MultiplyPower(ulong exponent, Residue positive, Residue negative)
    {
        RequireSigned(true);
        CheckRange(exponent);
        Span<int> digits = stackalloc int[Windows];
        var mask = (1UL << WindowBits) - 1;
        for (var i = 0; i < Windows && i * WindowBits < 64; i++)
        {
            digits[i] = (int)((exponent >> (i * WindowBits)) & mask);
        }

        Recode(digits);
        Walk(digits, positive, negative);
    }

    /// <summary>The same for an exponent of up to <see cref="ExponentBits"/> bits, for example a re-randomiser α.</summary>
    public void MultiplyPower(BigInteger exponent, Residue positive, Residue negative)
    {
        RequireSigned(true);
        var digits = Windows <= 256 ? stackalloc int[Windows] : new int[Windows];
        WindowsOf(exponent, digits);
        Recode(digits);
        Walk(digits, positive, negative);
        digits.Clear();
    }

    /// <summary>destination = base^exponent, for 0 ≤ exponent &lt; 2^ExponentBits. Unsigned tables only.</summary>
    public void Pow(BigInteger exponent, Residue destination)
    {
        RequireSigned(false);
        var digits = Windows <= 256 ? stackalloc int[Windows] : new int[Windows];
        WindowsOf(exponent, digits);
        context.SetOne(destination);
        Walk(digits, destination, destination);
        digits.Clear();
    }

    // The exponent's unsigned w-bit windows, least significant first; its bytes are wiped after.
    private void WindowsOf(BigInteger exponent, Span<int> digits)
    {
        if (exponent.Sign < 0 || exponent.GetBitLength() > ExponentBits)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), $"The exponent must be non-negative and fit in {ExponentBits} bits.");
        }

        var bytes = exponent.ToByteArray(isUnsigned: true);
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = Bits.Window(bytes, i * WindowBits, WindowBits);
        }

        Array.Clear(bytes);
    }

    // Unsigned windows become digits in [−2^(w−1), 2^(w−1)), each carrying into the next, without a branch on the
    // value. The top window holds at most w − 1 bits of the exponent (WindowCount leaves one bit spare), so with its
    // carry it stays within 2^(w−1) and is kept as it is.
    private void Recode(Span<int> digits)
    {
        var half = 1 << (WindowBits - 1);
        var carry = 0;
        for (var i = 0; i < digits.Length - 1; i++)
        {
            var value = digits[i] + carry;
            carry = (value + half) >> WindowBits;
            digits[i] = value - (carry << WindowBits);
        }

        digits[^1] += carry;
    }

    private void CheckRange(ulong exponent)
    {
        if (ExponentBits < 64 && exponent >> ExponentBits != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), $"The exponent exceeds the table's {ExponentBits} bits.");
        }
    }

    private void RequireSigned(bool signedDigits)
    {
        if (Signed != signedDigits)
        {
            throw new InvalidOperationException(Signed ? "A signed table multiplies into two accumulators." : "An unsigned table has no negative digits.");
        }
    }

    // positive ·= entries of the non-negative digits, negative ·= entries of the negative ones (the same residue for an
    // unsigned table), fetching each entry's header and digits a few products ahead.
    private void Walk(ReadOnlySpan<int> digits, Residue positive, Residue negative)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
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

            context.MultiplyBy(digits[i] < 0 ? negative : positive, Entry(i, digits[i]));
        }
    }

    public void Dispose()
    {
        disposed = true;
        foreach (var entry in entries)
        {
            entry?.Dispose();
        }

        one.Dispose();
    }

    // A zero digit multiplies by one, so the count of multiplications does not depend on the exponent.
    private ref readonly PinnedResidue Entry(int window, int digit) =>
        ref digit == 0 ? ref pinnedOne : ref pinned[(window * perWindow) + Math.Abs(digit) - 1];
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
