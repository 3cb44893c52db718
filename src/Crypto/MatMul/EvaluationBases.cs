using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>How the evaluator raises the encrypted operands to its entries.</summary>
public enum MultiExpStrategy
{
    /// <summary>A fixed-window table per operand, reused by every row group: one product per window and term.</summary>
    FixedBaseTables,

    /// <summary>Pippenger's buckets per row group: no tables, a few products per term when terms are many.</summary>
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
    private readonly Residue[]? inverses;
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
            inverses = new Residue[operands.Length];
            for (var i = 0; i < operands.Length; i++)
            {
                inverses[i] = key.Context.NewResidue();
                key.Context.Copy(operands[i], inverses[i]);
            }

            MultiExponentiation.InvertAll(key.Context, inverses);
        }
    }

    public PackingPlan Plan { get; }

    public PaillierPublicKey Key { get; }

    public MultiExpStrategy Strategy { get; }

    /// <summary>Window bits of the tables, or of Pippenger's buckets.</summary>
    public int Window { get; }

    /// <summary>
    /// Takes ownership of the validated operands (plan.EncryptedCount residues, in the plan's order) and builds the
    /// cheaper strategy whose tables fit the memory budget.
    /// </summary>
    public static EvaluationBases Build(PackingPlan plan, PaillierPublicKey key, Residue[] operands, long memoryBudget = DefaultMemoryBudget, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Length != plan.EncryptedCount)
        {
            throw new ArgumentException($"The plan has {plan.EncryptedCount} encrypted operands, got {operands.Length}.", nameof(operands));
        }

        var (strategy, window) = Choose(plan, key.CiphertextBytes, memoryBudget);
        return new EvaluationBases(plan, key, operands, strategy, window, parallelism);
    }

    /// <summary>The strategy and window with the fewest modular products overall, tables limited by the budget.</summary>
    public static (MultiExpStrategy Strategy, int Window) Choose(PackingPlan plan, int ciphertextBytes, long memoryBudget)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double results = plan.ResultCount;
        double terms = plan.TermsPerResult;
        var pippengerWindow = MultiExponentiation.BestWindow(plan.TermsPerResult, plan.XBits);
        var best = (MultiExpStrategy.Pippenger, pippengerWindow);
        var bestCost = (results * terms * MultiExponentiation.MultiplicationsPerTerm(plan.TermsPerResult, plan.XBits, pippengerWindow))
            + (3.0 * plan.EncryptedCount);
        for (var w = 2; w <= 10; w++)
        {
            var entries = FixedBaseTable.EntryCount(plan.XBits, w) * plan.EncryptedCount;
            if (entries * (ciphertextBytes + ResidueOverhead) > memoryBudget)
            {
                continue;
            }

            var windows = (plan.XBits + w - 1) / w;
            var cost = entries + (results * ((terms * windows) + 4));
            if (cost < bestCost)
            {
                (best, bestCost) = ((MultiExpStrategy.FixedBaseTables, w), cost);
            }
        }

        return best;
    }

    internal Residue Operand(int index) => operands[index];

    internal Residue Inverse(int index) => inverses![index];

    internal FixedBaseTable Table(int index) => tables![index];

    public void Dispose()
    {
        foreach (var r in operands)
        {
            r.Dispose();
        }

        if (inverses is not null)
        {
            foreach (var r in inverses)
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
