using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The evaluator's work on one tile (a row block with all its column blocks): X̂[i·k_w + k_w − 1 − j] = X[i][j] per
/// inner block, products with the encrypted Ŷ blocks summed in the NTT domain, then masked, re-randomised, flooded,
/// switched replies. Tiles are independent.
/// </summary>
public static class LatticeEvaluateKernel
{
    /// <summary>
    /// Writes the tile's replies in result order into output and the evaluator's shares (−R in the plan's domain)
    /// into its share matrix, whose row 0 is row <paramref name="firstRow"/> of Z (tiles write disjoint entries).
    /// operands[i] is encrypted operand i of the plan.
    /// </summary>
    public static void EvaluateTile(
        CoefficientPlan plan, BfvEvaluator evaluator, IReadOnlyList<BfvOperand> operands, Matrix<long> x, int tile, Span<byte> output, Matrix<BigInteger> evaluatorShare, int firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(operands);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(evaluatorShare);
        if (x.Rows != plan.Rows || x.Columns != plan.Inner || operands.Count != plan.EncryptedCount)
        {
            throw new EncodingException($"The evaluator's operand is {x.Rows}x{x.Columns} with {operands.Count} ciphertexts; the plan expects {plan.Rows}x{plan.Inner} and {plan.EncryptedCount}.");
        }

        var positions = plan.Positions();
        var replyBytes = evaluator.ReplyBytes(positions.Length);
        var (_, count) = plan.TileResults(tile);
        if (output.Length != count * replyBytes)
        {
            throw new ArgumentException($"A tile of {count} replies needs {count * replyBytes} bytes.", nameof(output));
        }

        var words = evaluator.PolynomialWords;
        var acc0 = new ulong[count * words];
        var acc1 = new ulong[count * words];
        var plain = new ulong[words];
        var coefficients = new long[plan.Degree];
        for (var innerBlock = 0; innerBlock < plan.InnerBlocks; innerBlock++)
        {
            Encode(plan, x, tile, innerBlock, coefficients);
            evaluator.TransformPlain(coefficients, plain);
            for (var c = 0; c < count; c++)
            {
                var operand = operands[plan.OperandIndex(innerBlock, c)];
                evaluator.MultiplyAccumulate(plain, operand, acc0.AsSpan(c * words, words), acc1.AsSpan(c * words, words));
            }
        }

        var mask = new ulong[plan.Degree * evaluator.MaskWords];
        for (var c = 0; c < count; c++)
        {
            LatticeShares.DrawMask(plan, evaluator.Parameters, mask, positions, tile, c, evaluatorShare, firstRow);
            evaluator.Reply(acc0.AsSpan(c * words, words), acc1.AsSpan(c * words, words), mask, plan.FloodBits, positions, output.Slice(c * replyBytes, replyBytes));
        }
    }

    internal static void Encode(CoefficientPlan plan, Matrix<long> x, int rowBlock, int innerBlock, Span<long> coefficients)
    {
        coefficients.Clear();
        var i0 = rowBlock * plan.BlockRows;
        var j0 = innerBlock * plan.BlockInner;
        for (var i = 0; i < Math.Min(plan.BlockRows, plan.Rows - i0); i++)
        {
            var row = x.Row(i0 + i);
            for (var j = 0; j < Math.Min(plan.BlockInner, plan.Inner - j0); j++)
            {
                coefficients[plan.PlainIndex(i, j)] = row[j0 + j];
            }
        }
    }
}
