using System.Numerics;

namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Π bases[i]^e[i] for many exponent vectors over the same bases, one bit plane at a time: a comb across bases. The
/// bases are cut into runs of w, and each run keeps the product of every subset of its bases, so that one bit plane of
/// a run costs one product whatever its bits. The caller squares its accumulator once between planes (Horner), and
/// several combs can share those squarings. One table of 2^w entries serves every bit plane, where a fixed-base table
/// of w-bit windows needs 2^(w−1) entries for each window of each base. Built once, then read by many threads.
/// </summary>
public sealed class SubsetComb : IDisposable
{
    // Runs ahead at which an entry's digits are fetched (its header twice as far ahead), as in FixedBaseTable.
    private const int PrefetchDistance = 2;

    private readonly MontgomeryContext context;
    private readonly Residue[][] tables;
    private readonly PinnedResidue[][] pinned;
    private bool disposed;

    /// <summary>Copies the bases into the subset tables; the caller keeps ownership of <paramref name="bases"/>.</summary>
    public SubsetComb(MontgomeryContext context, IReadOnlyList<Residue> bases, int runBits, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentOutOfRangeException.ThrowIfLessThan(runBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(runBits, 16);
        this.context = context;
        Count = bases.Count;
        RunBits = runBits;
        Runs = RunCount(Count, runBits);
        tables = new Residue[Runs][];

        // table[mask] = table[mask without its lowest bit] · that bit's base: one product per entry.
        try
        {
            Parallel.For(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, r => tables[r] = Table(bases, r * runBits));
        }
        catch
        {
            // A build that fails half-way (out of memory) releases the runs it made.
            Dispose();
            throw;
        }

        pinned = Array.ConvertAll(tables, table => Array.ConvertAll(table, context.Pin));
    }

    private Residue[] Table(IReadOnlyList<Residue> bases, int first)
    {
        var table = new Residue[1 << Math.Min(RunBits, Count - first)];
        try
        {
            table[0] = context.NewResidue();
            context.SetOne(table[0]);
            for (var mask = 1; mask < table.Length; mask++)
            {
                var lowest = mask & -mask;
                var @base = bases[first + BitOperations.TrailingZeroCount(lowest)];
                table[mask] = context.NewResidue();
                if (mask == lowest)
                {
                    context.Copy(@base, table[mask]);
                }
                else
                {
                    context.Multiply(table[mask ^ lowest], @base, table[mask]);
                }
            }

            return table;
        }
        catch
        {
            foreach (var entry in table)
            {
                entry?.Dispose();
            }

            throw;
        }
    }

    /// <summary>Bases, and so exponents per vector.</summary>
    public int Count { get; }

    /// <summary>w: bases per run.</summary>
    public int RunBits { get; }

    /// <summary>Products per bit plane.</summary>
    public int Runs { get; }

    public static int RunCount(int count, int runBits) => (count + runBits - 1) / runBits;

    /// <summary>Residues held by a comb of these dimensions (2^w per full run), for memory budgeting.</summary>
    public static long EntryCount(int count, int runBits)
    {
        var rest = count % runBits;
        return ((long)(count / runBits) << runBits) + (rest == 0 ? 0 : 1L << rest);
    }

    /// <summary>
    /// accumulator ·= Π bases[i]^(bit <paramref name="plane"/> of exponents[i]): one product per run, whatever the bits
    /// (an empty subset multiplies by one).
    /// </summary>
    public void MultiplyPlane(ReadOnlySpan<ulong> exponents, int plane, Residue accumulator)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (exponents.Length != Count)
        {
            throw new ArgumentException($"The comb has {Count} bases, got {exponents.Length} exponents.", nameof(exponents));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(plane);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plane, 63);
        var masks = Runs <= 256 ? stackalloc int[Runs] : new int[Runs];
        for (var r = 0; r < Runs; r++)
        {
            var run = exponents.Slice(r * RunBits, Math.Min(RunBits, Count - (r * RunBits)));
            var mask = 0;
            for (var i = 0; i < run.Length; i++)
            {
                mask |= (int)((run[i] >> plane) & 1) << i;
            }

            masks[r] = mask;
        }

        for (var r = 0; r < Runs; r++)
        {
            if (r + (2 * PrefetchDistance) < Runs)
            {
                context.Prefetch(pinned[r + (2 * PrefetchDistance)][masks[r + (2 * PrefetchDistance)]], digits: false);
            }

            if (r + PrefetchDistance < Runs)
            {
                context.Prefetch(pinned[r + PrefetchDistance][masks[r + PrefetchDistance]], digits: true);
            }

            context.MultiplyBy(accumulator, pinned[r][masks[r]]);
        }

        masks.Clear();
    }

    public void Dispose()
    {
        disposed = true;
        foreach (var table in tables)
        {
            foreach (var entry in table ?? [])
            {
                entry?.Dispose();
            }
        }
    }
}
