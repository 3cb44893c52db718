using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The evaluator's mask and both parties' shares in Duet's domains (docs/lattice.md). ring64: T = 2^64, mask R
/// uniform mod 2^64 on every coefficient, shares u and −R mod 2^64 — exactly those of a Z_(2^64) sharing.
/// integer: T = 2^τ with τ = bz + 1 + σ + λ; result coefficients carry R + 2^bz with R uniform in [0, T − 2^(bz+1)],
/// so u = Z + 2^bz + R never wraps mod T and u − 2^bz, −R are exact integer shares (other coefficients: uniform mod T).
/// </summary>
public static class LatticeShares
{
    /// <summary>Fills the mask of one reply and writes the evaluator's shares of its in-range results.</summary>
    public static void DrawMask(CoefficientPlan plan, BfvParameters parameters, Span<UInt128> mask, ReadOnlySpan<int> positions, int rowBlock, int columnBlock, Matrix<BigInteger> evaluatorShare)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(evaluatorShare);
        using var xof = Xof.Fresh();
        for (var j = 0; j < mask.Length; j++)
        {
            mask[j] = xof.NextBits(plan.PlainBits);
        }

        var offset = UInt128.One << plan.ProductBits;
        var bound = (parameters.Scaling.PlainMask - (offset << 1)) + 1; // T − 2^(bz+1)
        for (var p = 0; p < positions.Length; p++)
        {
            var (row, column) = Entry(plan, rowBlock, columnBlock, p);
            BigInteger share;
            if (plan.Domain == ShareDomain.Ring64)
            {
                share = Shares.Reduce(-(BigInteger)mask[positions[p]], ShareDomain.Ring64);
            }
            else
            {
                var r = xof.NextAtMost(bound);
                mask[positions[p]] = r + offset;
                share = -(BigInteger)r;
            }

            if (row < plan.Rows && column < plan.Columns)
            {
                evaluatorShare[row, column] = share;
            }
        }
    }

    /// <summary>The encryptor's share from a decrypted result coefficient u (mod T).</summary>
    public static BigInteger EncryptorShare(CoefficientPlan plan, UInt128 u)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Domain == ShareDomain.Ring64 ? (BigInteger)u : (BigInteger)u - (BigInteger.One << plan.ProductBits);
    }

    /// <summary>The entry of Z that position p = l·m_w + i of a reply holds (possibly beyond the matrix in edge blocks).</summary>
    public static (int Row, int Column) Entry(CoefficientPlan plan, int rowBlock, int columnBlock, int position)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return ((rowBlock * plan.BlockRows) + (position % plan.BlockRows), (columnBlock * plan.BlockColumns) + (position / plan.BlockRows));
    }
}
