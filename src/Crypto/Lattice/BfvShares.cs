using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The evaluator's mask and both parties' shares in Duet's domains (docs/lattice.md). ring64: T = 2^64, mask R
/// uniform mod 2^64 on every result coefficient, shares u and −R mod 2^64 — exactly those of a Z_(2^64) sharing.
/// integer: T = 2^τ with τ = bz + 1 + σ + λ; result coefficients carry R + 2^bz with R uniform in [0, T − 2^(bz+1)],
/// so u = Z + 2^bz + R never wraps mod T and u − 2^bz, −R are exact integer shares. No other coefficient of c0 is sent.
/// </summary>
public static class BfvShares
{
    /// <summary>
    /// Fills the mask of one reply (one per position, ceil(τ/64) words each) and writes the evaluator's shares of its
    /// in-range results (entry (0, 0) of the share matrix is Z's (<paramref name="firstRow"/>, <paramref name="firstColumn"/>)),
    /// drawing from <paramref name="random"/> when given, else from the CSPRNG.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DrawMask(
        CoefficientPlan plan, BfvParameters parameters, Span<ulong> mask, ReadOnlySpan<int> positions, int rowBlock, int columnBlock, Matrix<BigInteger> evaluatorShare,
        int firstRow = 0, Xof? random = null, int firstColumn = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(evaluatorShare);
        var words = parameters.Scaling.Words;
        var topMask = parameters.Scaling.TopMask;
        using var fresh = random is null ? Xof.Fresh() : null;
        var xof = random ?? fresh!;
        xof.Fill(MemoryMarshal.AsBytes(mask));
        for (var j = words - 1; j < mask.Length; j += words)
        {
            mask[j] &= topMask;
        }

        var offset = BigInteger.One << plan.ProductBits;
        var ceiling = (BigInteger.One << plan.PlainBits) - (offset << 1);
        for (var p = 0; p < positions.Length; p++)
        {
            var (row, column) = Entry(plan, rowBlock, columnBlock, p);
            var value = mask.Slice(p * words, words);
            BigInteger share;
            if (plan.Domain == ShareDomain.Ring64)
            {
                share = Shares.Reduce(-PlainScaling.FromWords(value), ShareDomain.Ring64);
            }
            else
            {
                // R uniform in [0, T − 2^(bz+1)) by rejection; the coefficient carries R + 2^bz.
                var r = PlainScaling.FromWords(value);
                while (r >= ceiling)
                {
                    xof.Fill(MemoryMarshal.AsBytes(value));
                    value[^1] &= topMask;
                    r = PlainScaling.FromWords(value);
                }

                PlainScaling.ToWords(r + offset, value);
                share = -r;
            }

            if (row < plan.Rows && column < plan.Columns)
            {
                evaluatorShare[row - firstRow, column - firstColumn] = share;
            }
        }
    }

    /// <summary>The encryptor's share from a decrypted result coefficient u (mod T).</summary>
    public static BigInteger EncryptorShare(CoefficientPlan plan, BigInteger u)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Domain == ShareDomain.Ring64 ? u : u - (BigInteger.One << plan.ProductBits);
    }

    /// <summary>The entry of Z that position p = l·m_w + i of a reply holds (possibly beyond the matrix in edge blocks).</summary>
    public static (int Row, int Column) Entry(CoefficientPlan plan, int rowBlock, int columnBlock, int position)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return ((rowBlock * plan.BlockRows) + (position % plan.BlockRows), (columnBlock * plan.BlockColumns) + (position / plan.BlockRows));
    }
}
