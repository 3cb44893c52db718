using Duet.Actors;

namespace Duet.Host.Commands;

/// <summary>One line about a session's plan for the summaries of <c>party</c> and <c>demo</c>, whichever the scheme.</summary>
internal static class PlanText
{
    public static string Describe(SessionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Lattice is { } lattice)
        {
            return Units.Invariant(
                $"BFV N = {lattice.Degree}, blocks {lattice.BlockRows} x {lattice.BlockInner} x {lattice.BlockColumns} (rows x inner x columns per ciphertext), T = 2^{lattice.PlainBits}, q = {lattice.PrimeBits.Sum()} bits");
        }

        var paillier = plan.Paillier!;
        return Units.Invariant(
            $"Paillier {paillier.KeyBits}-bit key, {paillier.Slots} slots of {paillier.SlotBits} bits per ciphertext ({paillier.MaskBits}-bit masks), G x C = {paillier.RowGroupSize} x {paillier.ColumnGroupSize} (rows x columns per result ciphertext)");
    }

    /// <summary>Where the party's CPU went: its kernels' thread CPU time on this node, e.g.
    /// "kernel CPU: decryption 23.1 s, encryption 0.4 s".</summary>
    public static string Kernels(PartyStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var cpu = statistics.Cpu;
        var seconds = (double s) => Units.Duration(TimeSpan.FromSeconds(s));
        return statistics.IsEncryptor
            ? $"kernel CPU: decryption {seconds(cpu.Decrypt)}, encryption {seconds(cpu.Encrypt)}"
            : statistics.Plan.Lattice is null
                ? $"{Evaluation(statistics)}kernel CPU: multi-exponentiation {seconds(cpu.MultiExponentiation)}, rest of the tiles {seconds(cpu.Evaluate - cpu.MultiExponentiation)}, tables {seconds(cpu.Tables)}"
                : $"{Evaluation(statistics)}kernel CPU: evaluation {seconds(cpu.Evaluate)}";
    }

    // The evaluation phase's wall time: what a party of several nodes shortens.
    private static string Evaluation(PartyStatistics statistics) =>
        statistics.Evaluation is { } evaluation ? $"evaluation {Units.Duration(evaluation)}, " : "";
}
