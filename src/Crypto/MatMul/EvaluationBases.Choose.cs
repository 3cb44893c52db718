using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>The evaluator's cost model: which strategy, window and re-randomiser window a session's tables use.</summary>
public sealed partial class EvaluationBases
{
    // A residue's heap footprint beyond its value (object headers, handle, allocator).
    private const int ResidueOverhead = 96;

    // Signed tables: 2^(w−1) entries per window, 2048 at w = 12.
    private const int MaximumWindow = 12;

    private const int MinimumRerandomiserWindow = 4;

    // Subset tables: 2^w entries per run, 65536 at w = 16.
    private const int MaximumRun = 16;

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
}

/// <summary>How <see cref="EvaluationBases"/> raises: the operands' strategy and window, and the re-randomiser table's window.</summary>
public sealed record EvaluationChoice(MultiExpStrategy Strategy, int Window, int RerandomiserWindow);
