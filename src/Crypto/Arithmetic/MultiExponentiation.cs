namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Pippenger's bucket method for Π bases[i]^exponents[i] with exponents below 2^exponentBits. One instance holds
/// its buckets as scratch: use one per thread.
/// </summary>
public sealed class MultiExponentiation : IDisposable
{
    // Terms ahead at which a base's digits are fetched (its header twice as far ahead), as in FixedBaseTable.
    private const int PrefetchDistance = 2;

    private readonly MontgomeryContext context;
    private readonly Residue[] buckets;
    private readonly Residue running;
    private readonly Residue windowSum;

    public MultiExponentiation(MontgomeryContext context, int exponentBits, int windowBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 16);
        this.context = context;
        ExponentBits = exponentBits;
        WindowBits = windowBits;
        buckets = new Residue[1 << windowBits];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = context.NewResidue();
        }

        running = context.NewResidue();
        windowSum = context.NewResidue();
    }

    public int ExponentBits { get; }

    public int WindowBits { get; }

    /// <summary>
    /// destination = Π bases[i]^exponents[i]; every exponent below 2^ExponentBits. The number of multiplications
    /// depends only on the count of terms, not on the exponents' values: a zero digit lands in a dummy bucket and
    /// empty buckets hold one. The bases are pinned by their owner (<see cref="MontgomeryContext.Pin"/>), and each
    /// base's digits are fetched a few terms ahead.
    /// </summary>
    public void Compute(ReadOnlySpan<PinnedResidue> bases, ReadOnlySpan<ulong> exponents, Residue destination)
    {
        if (bases.Length != exponents.Length)
        {
            throw new ArgumentException("One exponent per base is needed.", nameof(exponents));
        }

        var mask = (1UL << WindowBits) - 1;
        var windows = (ExponentBits + WindowBits - 1) / WindowBits;
        context.SetOne(destination);
        for (var w = windows - 1; w >= 0; w--)
        {
            context.SquareTimes(destination, WindowBits);

            foreach (var bucket in buckets)
            {
                context.SetOne(bucket);
            }

            var shift = w * WindowBits;
            for (var i = 0; i < exponents.Length; i++)
            {
                if (i + (2 * PrefetchDistance) < bases.Length)
                {
                    context.Prefetch(bases[i + (2 * PrefetchDistance)], digits: false);
                }

                if (i + PrefetchDistance < bases.Length)
                {
                    context.Prefetch(bases[i + PrefetchDistance], digits: true);
                }

                var digit = (int)((exponents[i] >> shift) & mask);
                context.MultiplyBy(buckets[digit], bases[i]);
            }

            // Σ_d d·bucket[d] as a running product from the top bucket down.
            context.SetOne(running);
            context.SetOne(windowSum);
            for (var d = buckets.Length - 1; d >= 1; d--)
            {
                context.Multiply(running, buckets[d], running);
                context.Multiply(windowSum, running, windowSum);
            }

            context.Multiply(destination, windowSum, destination);
        }
    }

    /// <summary>Inverts every value in place with one inversion and 3(n−1) multiplications (Montgomery's trick).</summary>
    public static void InvertAll(MontgomeryContext context, IReadOnlyList<Residue> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return;
        }

        var prefix = new Residue[values.Count];
        try
        {
            prefix[0] = context.NewResidue();
            context.Copy(values[0], prefix[0]);
            for (var i = 1; i < values.Count; i++)
            {
                prefix[i] = context.NewResidue();
                context.Multiply(prefix[i - 1], values[i], prefix[i]);
            }

            using var inverse = context.NewResidue();
            using var next = context.NewResidue();
            context.Inverse(prefix[^1], inverse);
            for (var i = values.Count - 1; i > 0; i--)
            {
                context.Multiply(inverse, values[i], next);
                context.Multiply(inverse, prefix[i - 1], values[i]);
                context.Copy(next, inverse);
            }

            context.Copy(inverse, values[0]);
        }
        finally
        {
            foreach (var p in prefix)
            {
                p?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var bucket in buckets)
        {
            bucket?.Dispose();
        }

        running.Dispose();
        windowSum.Dispose();
    }
}
