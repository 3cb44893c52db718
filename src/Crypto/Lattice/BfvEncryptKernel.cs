using System.Runtime.CompilerServices;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>The encryptor's first step: each block of Y in coefficient encoding, Ŷ[l·m_w·k_w + j] = Y[j][l], encrypted.</summary>
public static class BfvEncryptKernel
{
    /// <summary>Writes seeded ciphertexts of operands [first, first + count) at fixed width into output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EncryptBlock(CoefficientPlan plan, Matrix<long> y, BfvEncryptor encryptor, int first, int count, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(encryptor);
        if (y.Rows != plan.Inner || y.Columns != plan.Columns)
        {
            throw new EncodingException($"The encryptor's operand is {y.Rows}x{y.Columns}; the plan expects {plan.Inner}x{plan.Columns}.");
        }

        var width = encryptor.Parameters.SeededCiphertextBytes;
        if (first < 0 || count < 0 || first + count > plan.EncryptedCount || output.Length != count * width)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The block lies outside the plan or the output has the wrong size.");
        }

        var message = new long[plan.Degree];
        for (var index = first; index < first + count; index++)
        {
            Encode(plan, y, index / plan.ColumnBlocks, index % plan.ColumnBlocks, message);
            encryptor.Encrypt(message, output.Slice((index - first) * width, width));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Encode(CoefficientPlan plan, Matrix<long> y, int innerBlock, int columnBlock, Span<long> message)
    {
        message.Clear();
        var j0 = innerBlock * plan.BlockInner;
        var l0 = columnBlock * plan.BlockColumns;
        for (var j = 0; j < Math.Min(plan.BlockInner, plan.Inner - j0); j++)
        {
            for (var l = 0; l < Math.Min(plan.BlockColumns, plan.Columns - l0); l++)
            {
                message[plan.CipherIndex(j, l)] = y[j0 + j, l0 + l];
            }
        }
    }
}
