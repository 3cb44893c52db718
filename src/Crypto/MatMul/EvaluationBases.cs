using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>How the evaluator raises the encrypted operands to its entries.</summary>
public enum MultiExpStrategy
{
    /// <summary>A fixed-window table per operand, reused by every row group: one product per window and term.</summary>
    FixedBaseTables,

    /// <summary>
    /// Pippenger's buckets per row group over digit-shifted operands Y^(2^(c·j)) and their inverses, computed once:
    /// one window of c bits, no squarings, a little more than one product per digit when terms are many.
    /// </summary>
    Pippenger,
}

/// <summary>
/// The evaluator's read-only state: every encrypted operand Y[k, a] of every column group, with either its
/// fixed-base table or its inverse (for negative entries). Built once per session, then shared by all tiles.
/// </summary>
public sealed class EvaluationBases : IDisposable
{
    /// <summary>Default memory allowed for fixed-base tables.</summary>
    public const long DefaultMemoryBudget = 512L << 20;

    // A residue's heap footprint beyond its value (object headers, handle, allocator).
    private const int ResidueOverhead = 96;

    private readonly Residue[] operands;
    private readonly Residue[]? shifted;
    private readonly FixedBaseTable[]? tables;

    private EvaluationBases(PackingPlan plan, PaillierPublicKey key, Residue[] operands, MultiExpStrategy strategy, int window, int parallelism)
    {
        Plan = plan;
        Key = key;
        this.operands = operands;
        Strategy = strategy;
        Window = window;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };
        if (strategy == MultiExpStrategy.FixedBaseTables)
        {
            tables = new FixedBaseTable[operands.Length];
            Parallel.For(0, operands.Length, options, i => tables[i] = new FixedBaseTable(key.Context, operands[i], plan.XBits, window));
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

        var (strategy, window) = Choose(plan, key.CiphertextBytes, memoryBudget, only);
        return new EvaluationBases(plan, key, operands, strategy, window, parallelism);
    }

    /// <summary>
    /// The strategy and window with the fewest modular products overall, tables limited by the budget; `only`
    /// restricts the choice to one strategy (tables then ignore the budget).
    /// </summary>
    public static (MultiExpStrategy Strategy, int Window) Choose(PackingPlan plan, int ciphertextBytes, long memoryBudget, MultiExpStrategy? only = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double results = plan.ResultCount;
        double terms = plan.TermsPerResult;
        var best = (MultiExpStrategy.Pippenger, 1);
        var bestCost = double.MaxValue;
        for (var c = 1; c <= 16; c++)
        {
            var digits = (plan.XBits + c - 1) / c;
            var cost = (results * ((terms * digits) + (2 << c))) + ((2.0 * plan.XBits) + 3) * plan.EncryptedCount;
            if (cost < bestCost && only is null or MultiExpStrategy.Pippenger)
            {
                (best, bestCost) = ((MultiExpStrategy.Pippenger, c), cost);
            }
        }

        for (var w = 2; w <= 10; w++)
        {
            var entries = FixedBaseTable.EntryCount(plan.XBits, w) * plan.EncryptedCount;
            if (only is null && entries * (ciphertextBytes + ResidueOverhead) > memoryBudget)
            {
                continue;
            }

            var windows = (plan.XBits + w - 1) / w;
            var cost = entries + (results * ((terms * windows) + 4));
            if (cost < bestCost && only is null or MultiExpStrategy.FixedBaseTables)
            {
                (best, bestCost) = ((MultiExpStrategy.FixedBaseTables, w), cost);
            }
        }

        return best;
    }

    internal Residue Operand(int index) => operands[index];

    /// <summary>Y_index^(2^(Window·digit)), or its inverse when negative.</summary>
    internal Residue Shifted(int index, int digit, bool negative) => shifted![(((index * Digits) + digit) * 2) + (negative ? 1 : 0)];

    internal FixedBaseTable Table(int index) => tables![index];

    private static Residue Copy(MontgomeryContext context, Residue value)
    {
        var copy = context.NewResidue();
        context.Copy(value, copy);
        return copy;
    }

    public void Dispose()
    {
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
