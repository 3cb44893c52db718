using System.Runtime.CompilerServices;
using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Lattice;

/// <summary>The encryptor's finish: validate and decrypt replies, read the result coefficients, write its shares.</summary>
public static class BfvDecryptKernel
{
    /// <summary>Decrypts replies [first, first + count) into the encryptor's share matrix, whose entry (0, 0) is Z's
    /// (<paramref name="firstRow"/>, <paramref name="firstColumn"/>) (blocks write disjoint entries).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecryptBlock(
        CoefficientPlan plan, BfvDecryptor decryptor, ReadOnlySpan<byte> replies, int first, int count, Matrix<BigInteger> encryptorShare, int firstRow = 0, int firstColumn = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(decryptor);
        ArgumentNullException.ThrowIfNull(encryptorShare);
        if (first < 0 || count < 0 || first + count > plan.ResultCount)
        {
            throw new InvalidCiphertextException("index", $"Replies [{first}, {first + count}) lie outside the plan's {plan.ResultCount}.");
        }

        var positions = plan.Positions();
        var width = ReplyBytes(plan, decryptor.Parameters);
        if (replies.Length != count * width)
        {
            throw new InvalidCiphertextException("reply-size", $"{count} replies have {count * width} bytes, got {replies.Length}.");
        }

        var messages = new BigInteger[positions.Length];
        for (var r = 0; r < count; r++)
        {
            var index = first + r;
            decryptor.DecryptReply(replies.Slice(r * width, width), positions, messages);
            for (var p = 0; p < positions.Length; p++)
            {
                var (row, column) = BfvShares.Entry(plan, index / plan.ColumnBlocks, index % plan.ColumnBlocks, p);
                if (row < plan.Rows && column < plan.Columns)
                {
                    encryptorShare[row - firstRow, column - firstColumn] = BfvShares.EncryptorShare(plan, messages[p]);
                }
            }
        }
    }

    /// <summary>Bytes of one reply of this plan.</summary>
    public static int ReplyBytes(CoefficientPlan plan, BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.ReplyBytes(plan.PositionsPerResult);
    }
}
