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
/// or its digit-shifted powers and their inverses beside the signed fixed-base table of h_s (docs/protocol.md §5.4). Built
/// once per session, then shared by all tiles.
/// </summary>
public sealed partial class EvaluationBases : IDisposable
{
    /// <summary>Default memory allowed for the tables (combs or fixed-base tables).</summary>
    public const long DefaultMemoryBudget = 512L << 20;

    private readonly Residue[] operands;
    private readonly Residue[]? shifted;
    private readonly PinnedResidue[]? pinnedShifted;
    private bool disposed;
    private readonly FixedBaseTable[]? tables;
    private readonly SubsetComb[]? combs;
    private readonly Residue[]? corrections;

    private EvaluationBases(PackingPlan plan, PaillierContext key, Residue[] operands, EvaluationChoice choice, int parallelism)
    {
        Plan = plan;
        Context = key;
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

        Rerandomiser = new FixedBaseTable(key.Arithmetic, key.HsResidue, key.Key.RerandomiserBits(plan.Sigma), choice.RerandomiserWindow, signedDigits: true, parallelism);
        if (Strategy == MultiExpStrategy.FixedBaseTables)
        {
            tables = new FixedBaseTable[operands.Length];
            Parallel.For(0, operands.Length, options, i => tables[i] = new FixedBaseTable(key.Arithmetic, operands[i], plan.XBits, window, signedDigits: true));
        }
        else
        {
            // shifted[(i·digits + j)·2 + sign] = Y_i^(±2^(c·j)).
            Digits = (plan.XBits + window - 1) / window;
            shifted = new Residue[operands.Length * Digits * 2];
            var inverses = new Residue[operands.Length];
            for (var i = 0; i < operands.Length; i++)
            {
                inverses[i] = key.Arithmetic.NewResidue();
                key.Arithmetic.Copy(operands[i], inverses[i]);
            }

            MultiExponentiation.InvertAll(key.Arithmetic, inverses);
            var digits = Digits;
            var stored = shifted;
            Parallel.For(0, operands.Length, options, i =>
            {
                for (var sign = 0; sign < 2; sign++)
                {
                    var first = ((i * digits) * 2) + sign;
                    stored[first] = sign == 0 ? Copy(key.Arithmetic, operands[i]) : inverses[i];
                    for (var j = 1; j < digits; j++)
                    {
                        var next = key.Arithmetic.NewResidue();
                        key.Arithmetic.Copy(stored[first + ((j - 1) * 2)], next);
                        key.Arithmetic.SquareTimes(next, window);

                        stored[first + (j * 2)] = next;
                    }
                }
            });
            pinnedShifted = Array.ConvertAll(shifted, key.Arithmetic.Pin);
        }
    }

    public PackingPlan Plan { get; }

    /// <summary>The peer's key's arithmetic, which the tables are over.</summary>
    public PaillierContext Context { get; }

    public PaillierPublicKey Key => Context.Key;

    public MultiExpStrategy Strategy { get; }

    /// <summary>Digits of Window bits per entry under Pippenger: each entry is split over this many shifted operands.</summary>
    public int Digits { get; }

    /// <summary>Window bits of the tables, of Pippenger's digits, or a comb's run of operands.</summary>
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
        PackingPlan plan, PaillierContext key, Residue[] operands, long memoryBudget = DefaultMemoryBudget, int parallelism = 1, MultiExpStrategy? only = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Length != plan.EncryptedCount)
        {
            throw new ArgumentException($"The plan has {plan.EncryptedCount} encrypted operands, got {operands.Length}.", nameof(operands));
        }

        return new EvaluationBases(plan, key, operands, Choose(plan, key.Key, memoryBudget, only), parallelism);
    }

    /// <summary>
    /// destination = Π_t Y[cg, t]^x_t · h_s^α under <see cref="MultiExpStrategy.SubsetComb"/>, from the offset entries
    /// x_t + 2^bx (below 2^P) and α's P-bit pieces, least significant first: P − 1 squarings, one product per run and
    /// plane of both combs, then the column group's correction (Π_t Y[cg, t])^(−2^bx).
    /// </summary>
    internal void CombPower(int columnGroup, ReadOnlySpan<ulong> offsetEntries, ReadOnlySpan<ulong> alphaPieces, Residue destination)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var context = Context.Arithmetic;
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
        PackingPlan plan, PaillierContext key, Residue[] operands, EvaluationChoice choice, int parallelism)
    {
        var context = key.Arithmetic;
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

                context.SquareTimes(correction, plan.XBits);
                context.Inverse(correction, correction);
            }

            // h_s^(2^(P·i)): α = Σ α_i·2^(P·i) with P-bit pieces α_i.
            var planes = plan.XBits + 1;
            powers = new Residue[(key.Key.RerandomiserBits(plan.Sigma) + planes - 1) / planes];
            powers[0] = Copy(context, key.HsResidue);
            for (var i = 1; i < powers.Length; i++)
            {
                powers[i] = Copy(context, powers[i - 1]);
                context.SquareTimes(powers[i], planes);
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
