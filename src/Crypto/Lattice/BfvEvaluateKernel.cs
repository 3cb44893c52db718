using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The evaluator's work on one tile (a row block with all its column blocks): X̂[i·k_w + k_w − 1 − j] = X[i][j] per
/// inner block, products with the encrypted Ŷ blocks summed in the NTT domain, then masked, re-randomised, flooded,
/// switched replies. Tiles are independent.
/// </summary>
public static class BfvEvaluateKernel
{
    /// <summary>
    /// Writes the tile's replies in result order into output and the evaluator's shares (−R in the plan's domain) of
    /// the tile's band into its share matrix, whose entry (0, 0) is Z's (<paramref name="firstRow"/>,
    /// <paramref name="firstColumn"/>). <paramref name="x"/> holds the rows of X from <paramref name="xFirstRow"/> on
    /// that cover the tile (or all of X). operands[i] is encrypted operand i of the plan. Masks, re-randomisers and
    /// flooding come from <paramref name="random"/> when given (so the party can compute the tile again), else from the CSPRNG.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EvaluateTile(
        CoefficientPlan plan, BfvEvaluator evaluator, IReadOnlyList<BfvOperand> operands, Matrix<long> x, int tile, Span<byte> output, Matrix<BigInteger> evaluatorShare,
        int firstRow = 0, int firstColumn = 0, int xFirstRow = 0, RandomStream? random = null, KernelCpu? cpu = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(operands);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(evaluatorShare);
        var band = plan.Band(tile);
        if (x.Columns != plan.Inner || xFirstRow < 0 || xFirstRow > band.FirstRow || (long)xFirstRow + x.Rows < (long)band.FirstRow + band.Rows || operands.Count != plan.EncryptedCount)
        {
            throw new EncodingException(
                $"The evaluator's operand rows [{xFirstRow}, {(long)xFirstRow + x.Rows}) x {x.Columns} with {operands.Count} ciphertexts do not cover tile {tile}'s rows [{band.FirstRow}, {band.FirstRow + band.Rows}) x {plan.Inner} and {plan.EncryptedCount}.");
        }

        var positions = plan.Positions();
        var replyBytes = evaluator.ReplyBytes(positions.Length);
        var (rowBlock, firstColumnBlock, count) = plan.TileBlocks(tile);
        if (output.Length != count * replyBytes)
        {
            throw new ArgumentException($"A tile of {count} replies needs {count * replyBytes} bytes.", nameof(output));
        }

        var started = ThreadCpu.Seconds();
        var multiplied = started;
        var words = evaluator.PolynomialWords;

        // Pooled: a tile's accumulators are megabytes, and fresh ones cost page faults on every tile.
        var pooled = ArrayPool<ulong>.Shared.Rent((2 * count * words) + words);
        try
        {
            var acc0 = pooled.AsSpan(0, count * words);
            var acc1 = pooled.AsSpan(count * words, count * words);
            var plain = pooled.AsSpan(2 * count * words, words);
            acc0.Clear();
            acc1.Clear();
            var coefficients = new long[plan.Degree];
            for (var innerBlock = 0; innerBlock < plan.InnerBlocks; innerBlock++)
            {
                Encode(plan, x, rowBlock, innerBlock, coefficients, xFirstRow);
                evaluator.TransformPlain(coefficients, plain);
                for (var c = 0; c < count; c++)
                {
                    var operand = operands[plan.OperandIndex(innerBlock, firstColumnBlock + c)];
                    evaluator.MultiplyAccumulate(plain, operand, acc0.Slice(c * words, words), acc1.Slice(c * words, words));
                }
            }

            multiplied = ThreadCpu.Seconds();
            var mask = new ulong[positions.Length * evaluator.MaskWords];
            for (var c = 0; c < count; c++)
            {
                using var maskStream = Stream(random);
                using var replyStream = Stream(random);
                BfvShares.DrawMask(plan, evaluator.Parameters, mask, positions, rowBlock, firstColumnBlock + c, evaluatorShare, firstRow, maskStream, firstColumn);
                evaluator.Reply(acc0.Slice(c * words, words), acc1.Slice(c * words, words), mask, plan.FloodBits, positions, output.Slice(c * replyBytes, replyBytes), replyStream);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(pooled, clearArray: true); // it held X in transformed form
        }

        cpu?.Add(multiplied - started, ThreadCpu.Seconds() - multiplied);
    }

    /// <summary>A stream seeded from <paramref name="random"/> in order, or from the CSPRNG.</summary>
    private static Xof Stream(RandomStream? random)
    {
        if (random is null)
        {
            return Xof.Fresh();
        }

        Span<byte> seed = stackalloc byte[Xof.SeedBytes];
        random.Fill(seed);
        var xof = new Xof(seed);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        return xof;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Encode(CoefficientPlan plan, Matrix<long> x, int rowBlock, int innerBlock, Span<long> coefficients, int xFirstRow = 0)
    {
        coefficients.Clear();
        var i0 = rowBlock * plan.BlockRows;
        var j0 = innerBlock * plan.BlockInner;
        for (var i = 0; i < Math.Min(plan.BlockRows, plan.Rows - i0); i++)
        {
            var row = x.Row(i0 + i - xFirstRow);
            for (var j = 0; j < Math.Min(plan.BlockInner, plan.Inner - j0); j++)
            {
                coefficients[plan.PlainIndex(i, j)] = row[j0 + j];
            }
        }
    }
}
