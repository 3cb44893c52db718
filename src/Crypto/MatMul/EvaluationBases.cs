using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>How the evaluator raises the encrypted operands to its entries.</summary>
public enum MultiExpStrategy
{
    /// <summary>A signed fixed-window table per operand, reused by every row group: one product per window and term.</summary>
    FixedBaseTables,

    /// <summary>
    /// Pippenger's buckets per row group over digit-shifted operands Y^(2^(c·j)) and their inverses, computed once:
    /// one window of c bits, no squarings, a little more than one product per digit when terms are many.
    /// </summary>
    Pippenger,

    /// <summary>
    /// A comb across operands: per column group, the product of every subset of each run of w consecutive operands, and
    /// the same over the re-randomiser's powers h_s^(2^(P·i)); each result is built one bit plane of the offset entries
    /// x + 2^bx at a time (P = bx + 1 planes, one squaring between planes), one product per run and plane, then divided
    /// by (Π Y)^(2^bx) once. A run's 2^w entries serve every plane.
    /// </summary>
    SubsetComb,
}

/// <summary>
/// The evaluator's read-only state: every encrypted operand Y[k, a] of every column group, with either a comb over
/// each column group's operands (and one over h_s's powers for the re-randomisers), or each operand's fixed-base table
/// or its digit-shifted powers and their inverses beside the signed fixed-base table of h_s (PROTOCOL.md §5.4). Built
/// once per session, then shared by all tiles.
/// </summary>
public sealed class EvaluationBases : IDisposable
{
    /// <summary>Default memory allowed for the tables (combs or fixed-base tables).</summary>
    public const long DefaultMemoryBudget = 512L << 20;

    // A residue's heap footprint beyond its value (object headers, handle, allocator).
    private const int ResidueOverhead = 96;

    // Signed tables: 2^(w−1) entries per window, 2048 at w = 12.
    private const int MaximumWindow = 12;

    private const int MinimumRerandomiserWindow = 4;

    // Subset tables: 2^w entries per run, 65536 at w = 16.
    private const int MaximumRun = 16;

    private readonly Residue[] operands;
    private readonly Residue[]? shifted;
    private readonly PinnedResidue[]? pinnedShifted;
    private bool disposed;
    private readonly FixedBaseTable[]? tables;
    private readonly SubsetComb[]? combs;
    private readonly Residue[]? corrections;

    private EvaluationBases(PackingPlan plan, PaillierPublicKey key, Residue[] operands, EvaluationChoice choice, int parallelism)
    {
        Plan = plan;
        Key = key;
        this.operands = operands;
        Strategy = choice.Strategy;
        Window = choice.Window;
        var window = choice.Window;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };
        if (Strategy == MultiExpStrategy.SubsetComb)
        {
            (combs, corrections, RerandomiserComb) = BuildCombs(plan, key, operands, choice, parallelism);
            return;
        }

        Rerandomiser = new FixedBaseTable(key.Context, key.HsResidue, key.RerandomiserBits(plan.Sigma), choice.RerandomiserWindow, signedDigits: true, parallelism);
        if (Strategy == MultiExpStrategy.FixedBaseTables)
        {
            tables = new FixedBaseTable[operands.Length];
            Parallel.For(0, operands.Length, options, i => tables[i] = new FixedBaseTable(key.Context, operands[i], plan.XBits, window, signedDigits: true));
        }
        else
        {
            // shifted[(i·digits + j)·2 + sign] = Y_i^(±2^(c·j)).
            Digits = (plan.XBits + window - 1) / window;
            shifted = new Residue[operands.Length * Digits * 2];
            var inverses = new Residue[operands.Length];
            for (var i = 0; i < operands.Length; i++)
            {
                inverses[i] = key.Context.NewResidue();
                key.Context.Copy(operands[i], inverses[i]);
            }

            MultiExponentiation.InvertAll(key.Context, inverses);
            var digits = Digits;
            var stored = shifted;
            Parallel.For(0, operands.Length, options, i =>
            {
                for (var sign = 0; sign < 2; sign++)
                {
                    var first = ((i * digits) * 2) + sign;
                    stored[first] = sign == 0 ? Copy(key.Context, operands[i]) : inverses[i];
                    for (var j = 1; j < digits; j++)
                    {
                        var next = key.Context.NewResidue();
                        key.Context.Copy(stored[first + ((j - 1) * 2)], next);
                        for (var b = 0; b < window; b++)
                        {
                            key.Context.Square(next, next);
                        }

                        stored[first + (j * 2)] = next;
                    }
                }
            });
            pinnedShifted = Array.ConvertAll(shifted, key.Context.Pin);
        }
    }

    public PackingPlan Plan { get; }

    public PaillierPublicKey Key { get; }

    public MultiExpStrategy Strategy { get; }

    /// <summary>Digits of Window bits per entry under Pippenger: each entry is split over this many shifted operands.</summary>
    public int Digits { get; }

    /// <summary>Window bits of the tables, or of Pippenger's digits.</summary>
    public int Window { get; }

    /// <summary>
    /// The signed table of h_s for exponents of the re-randomiser's length, |n| + σ bits (l + 1 + σ for a fast key);
    /// null under <see cref="MultiExpStrategy.SubsetComb"/>, whose re-randomiser is <see cref="RerandomiserComb"/>.
    /// </summary>
    public FixedBaseTable? Rerandomiser { get; }

    /// <summary>
    /// Under <see cref="MultiExpStrategy.SubsetComb"/>: the comb over h_s^(2^(P·i)), i &lt; ⌈|α| / P⌉, whose exponents
    /// are α's P-bit pieces; null otherwise.
    /// </summary>
    public SubsetComb? RerandomiserComb { get; }

    /// <summary>P = bx + 1: the bit planes of the offset entries x + 2^bx under <see cref="MultiExpStrategy.SubsetComb"/>.</summary>
    public int Planes => Plan.XBits + 1;

    /// <summary>
    /// Takes ownership of the validated operands (plan.EncryptedCount residues, in the plan's order) and builds the
    /// cheaper strategy whose tables fit the memory budget.
    /// </summary>
    public static EvaluationBases Build(
        PackingPlan plan, PaillierPublicKey key, Residue[] operands, long memoryBudget = DefaultMemoryBudget, int parallelism = 1, MultiExpStrategy? only = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Length != plan.EncryptedCount)
        {
            throw new ArgumentException($"The plan has {plan.EncryptedCount} encrypted operands, got {operands.Length}.", nameof(operands));
        }

        return new EvaluationBases(plan, key, operands, Choose(plan, key, memoryBudget, only), parallelism);
    }

    /// <summary>The choice for this key: <see cref="Choose(PackingPlan, int, int, long, MultiExpStrategy?)"/>.</summary>
    public static EvaluationChoice Choose(PackingPlan plan, PaillierPublicKey key, long memoryBudget, MultiExpStrategy? only = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(plan);
        return Choose(plan, key.CiphertextBytes, key.RerandomiserBits(plan.Sigma), memoryBudget, only);
    }

    /// <summary>
    /// The strategy, window and re-randomiser window with the fewest modular products overall (building the tables
    /// included), all tables together within the budget; `only` restricts the choice to one strategy (fixed-base tables
    /// then ignore the budget; a comb stays within it, or takes runs of one base when nothing fits). Beside tables or
    /// buckets, the re-randomiser's table has at least 4-bit windows whatever the budget (2.5 MiB at 2048 bits).
    /// </summary>
    public static EvaluationChoice Choose(PackingPlan plan, int ciphertextBytes, int rerandomiserBits, long memoryBudget, MultiExpStrategy? only = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double results = plan.ResultCount;
        double terms = plan.TermsPerResult;
        var entryBytes = (double)(ciphertextBytes + ResidueOverhead);
        var operandChoices = new List<(MultiExpStrategy Strategy, int Window, double Cost, double Bytes)>();
        for (var c = 1; c <= 16 && only is null or MultiExpStrategy.Pippenger; c++)
        {
            var digits = (plan.XBits + c - 1) / c;
            var cost = (results * ((terms * digits) + (2 << c))) + ((2.0 * plan.XBits) + 3) * plan.EncryptedCount;
            operandChoices.Add((MultiExpStrategy.Pippenger, c, cost, 2.0 * digits * plan.EncryptedCount * entryBytes));
        }

        for (var w = 2; w <= MaximumWindow && only is null or MultiExpStrategy.FixedBaseTables; w++)
        {
            var entries = (double)FixedBaseTable.EntryCount(plan.XBits, w, signedDigits: true) * plan.EncryptedCount;
            var windows = FixedBaseTable.WindowCount(plan.XBits, w, signedDigits: true);
            var bytes = only is null ? entries * entryBytes : 0;
            operandChoices.Add((MultiExpStrategy.FixedBaseTables, w, entries + (results * ((terms * windows) + 4)), bytes));
        }

        var best = new EvaluationChoice(MultiExpStrategy.Pippenger, 1, MinimumRerandomiserWindow);
        var bestCost = double.MaxValue;
        foreach (var (strategy, window, cost, bytes) in operandChoices)
        {
            for (var r = MinimumRerandomiserWindow; r <= MaximumWindow; r++)
            {
                var entries = (double)FixedBaseTable.EntryCount(rerandomiserBits, r, signedDigits: true);
                var fits = bytes + (entries * entryBytes) <= memoryBudget || (r == MinimumRerandomiserWindow && (only is not null || strategy == MultiExpStrategy.Pippenger));
                var total = cost + entries + (results * FixedBaseTable.WindowCount(rerandomiserBits, r, signedDigits: true));
                if (fits && total < bestCost)
                {
                    (best, bestCost) = (new EvaluationChoice(strategy, window, r), total);
                }
            }
        }

        if (only is null or MultiExpStrategy.SubsetComb)
        {
            // Per result: P planes of one product per run of both combs, P − 1 squarings, the correction and the mask.
            var planes = plan.XBits + 1;
            var pieces = (rerandomiserBits + planes - 1) / planes;
            for (var w = 1; w <= MaximumRun; w++)
            {
                var entries = (double)SubsetComb.EntryCount(plan.TermsPerResult, w) * plan.ColumnGroups;
                var cost = entries + (plan.ColumnGroups * (terms + plan.XBits)) + (results * ((planes * SubsetComb.RunCount(plan.TermsPerResult, w)) + planes + 1));
                for (var r = 1; r <= MaximumRun; r++)
                {
                    var rerandomiserEntries = (double)SubsetComb.EntryCount(pieces, r);
                    var fits = (entries + rerandomiserEntries) * entryBytes <= memoryBudget || (only is not null && w == 1 && r == 1);
                    var total = cost + rerandomiserEntries + rerandomiserBits + (results * planes * SubsetComb.RunCount(pieces, r));
                    if (fits && total < bestCost)
                    {
                        (best, bestCost) = (new EvaluationChoice(MultiExpStrategy.SubsetComb, w, r), total);
                    }
                }
            }
        }

        return best;
    }

    /// <summary>
    /// destination = Π_t Y[cg, t]^x_t · h_s^α under <see cref="MultiExpStrategy.SubsetComb"/>, from the offset entries
    /// x_t + 2^bx (below 2^P) and α's P-bit pieces, least significant first: P − 1 squarings, one product per run and
    /// plane of both combs, then the column group's correction (Π_t Y[cg, t])^(−2^bx).
    /// </summary>
    internal void CombPower(int columnGroup, ReadOnlySpan<ulong> offsetEntries, ReadOnlySpan<ulong> alphaPieces, Residue destination)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var context = Key.Context;
        context.SetOne(destination);
        for (var plane = Planes - 1; plane >= 0; plane--)
        {
            if (plane < Planes - 1)
            {
                context.Square(destination, destination);
            }

            combs![columnGroup].MultiplyPlane(offsetEntries, plane, destination);
            RerandomiserComb!.MultiplyPlane(alphaPieces, plane, destination);
        }

        context.Multiply(destination, corrections![columnGroup], destination);
    }

    private static (SubsetComb[] Combs, Residue[] Corrections, SubsetComb Rerandomiser) BuildCombs(
        PackingPlan plan, PaillierPublicKey key, Residue[] operands, EvaluationChoice choice, int parallelism)
    {
        var context = key.Context;
        var terms = plan.TermsPerResult;
        var combs = new SubsetComb[plan.ColumnGroups];
        var corrections = new Residue[plan.ColumnGroups];
        var powers = Array.Empty<Residue>();
        try
        {
            for (var cg = 0; cg < plan.ColumnGroups; cg++)
            {
                // Term t of column group cg is operand cg·k·G + t (PackingPlan.OperandIndex).
                var group = new ArraySegment<Residue>(operands, cg * terms, terms);
                combs[cg] = new SubsetComb(context, group, choice.Window, parallelism);
                var correction = corrections[cg] = context.NewResidue();
                context.SetOne(correction);
                foreach (var operand in group)
                {
                    context.Multiply(correction, operand, correction);
                }

                for (var b = 0; b < plan.XBits; b++)
                {
                    context.Square(correction, correction);
                }

                context.Inverse(correction, correction);
            }

            // h_s^(2^(P·i)): α = Σ α_i·2^(P·i) with P-bit pieces α_i.
            var planes = plan.XBits + 1;
            powers = new Residue[(key.RerandomiserBits(plan.Sigma) + planes - 1) / planes];
            powers[0] = Copy(context, key.HsResidue);
            for (var i = 1; i < powers.Length; i++)
            {
                powers[i] = Copy(context, powers[i - 1]);
                for (var b = 0; b < planes; b++)
                {
                    context.Square(powers[i], powers[i]);
                }
            }

            return (combs, corrections, new SubsetComb(context, powers, choice.RerandomiserWindow, parallelism));
        }
        catch
        {
            // A build that fails half-way (out of memory) releases what it made.
            foreach (var built in combs)
            {
                built?.Dispose();
            }

            foreach (var built in corrections)
            {
                built?.Dispose();
            }

            throw;
        }
        finally
        {
            foreach (var power in powers)
            {
                power?.Dispose();
            }
        }
    }

    internal Residue Operand(int index) => operands[index];

    /// <summary>Y_index^(2^(Window·digit)), or its inverse when negative, pinned for a bucket walk; valid until these
    /// bases are disposed.</summary>
    internal PinnedResidue PinnedShifted(int index, int digit, bool negative)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return pinnedShifted![(((index * Digits) + digit) * 2) + (negative ? 1 : 0)];
    }

    internal FixedBaseTable Table(int index) => tables![index];

    private static Residue Copy(MontgomeryContext context, Residue value)
    {
        var copy = context.NewResidue();
        context.Copy(value, copy);
        return copy;
    }

    public void Dispose()
    {
        disposed = true;
        Rerandomiser?.Dispose();
        RerandomiserComb?.Dispose();
        foreach (var c in combs ?? [])
        {
            c.Dispose();
        }

        foreach (var c in corrections ?? [])
        {
            c.Dispose();
        }

        foreach (var r in operands)
        {
            r.Dispose();
        }

        if (shifted is not null)
        {
            foreach (var r in shifted)
            {
                r.Dispose();
            }
        }

        if (tables is not null)
        {
            foreach (var t in tables)
            {
                t?.Dispose();
            }
        }
    }
}

/// <summary>How <see cref="EvaluationBases"/> raises: the operands' strategy and window, and the re-randomiser table's window.</summary>
public sealed record EvaluationChoice(MultiExpStrategy Strategy, int Window, int RerandomiserWindow);
