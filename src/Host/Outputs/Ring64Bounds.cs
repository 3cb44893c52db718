using Duet.Crypto.Encoding;

namespace Duet.Host.Outputs;

/// <summary>
/// How far declared bounds that let |P| reach 2^productBits must come down for ring64 shares to hold P exactly
/// (|P| &lt; 2^63): P's bound is the two input bounds' sum plus ⌈log2 K⌉, so the input bits shed that many bits in all.
/// </summary>
internal static class Ring64Bounds
{
    /// <summary>Bits the two input bounds must shed together; 0 when ring64 is already exact.</summary>
    public static int Excess(int productBits) => Math.Max(0, productBits - Shares.Ring64ExactBits);

    /// <summary>A party's advice, which knows only its own bound: "lower --input-bits by 3 (to 29 here), or by 2 on both sides, …".</summary>
    public static string ForParty(int productBits, int inputBits)
    {
        var excess = Excess(productBits);
        var alone = inputBits - excess >= 1 ? Units.Invariant($"by {excess} (to {inputBits - excess} here), or ") : string.Empty;
        return Units.Invariant($"lower --input-bits {alone}by {(excess + 1) / 2} on both sides, or use --share integer (exact everywhere)");
    }

    /// <summary>The demo's advice, whose operands share one bound: "--input-bits 28 (or --inner 8) or --share integer keeps them exact".</summary>
    public static string ForDemo(int productBits, int inputBits)
    {
        var fitting = inputBits - ((Excess(productBits) + 1) / 2);
        // At b bits each, ⌈log2 K⌉ may take what 2b leaves of 63.
        var innerBits = Shares.Ring64ExactBits - (2 * inputBits);
        var inner = innerBits is >= 0 and < 31 ? Units.Invariant($" (or --inner {1 << innerBits})") : string.Empty;
        return Units.Invariant($"--input-bits {fitting}{inner} or --share integer keeps them exact");
    }
}
