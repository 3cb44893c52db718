using Duet.Actors;
using Duet.Crypto.Schemes;

namespace Duet.Host.Outputs;

/// <summary>One line about a session's plan for the summaries of <c>party</c> and <c>demo</c>, whichever the scheme.</summary>
internal static class PlanText
{
    public static string Describe(IProductPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Summary;
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
            : statistics.Plan.Scheme == Scheme.Paillier
                ? $"{Evaluation(statistics)}kernel CPU: multi-exponentiation {seconds(cpu.Products)}, rest of the tiles {seconds(cpu.Evaluate - cpu.Products)}, tables {seconds(cpu.Preparation)}"
                : $"{Evaluation(statistics)}kernel CPU: evaluation {seconds(cpu.Evaluate)}";
    }

    // The evaluation phase's wall time: what a party of several nodes shortens.
    private static string Evaluation(PartyStatistics statistics) =>
        statistics.Evaluation is { } evaluation ? $"evaluation {Units.Duration(evaluation)}, " : "";
}
