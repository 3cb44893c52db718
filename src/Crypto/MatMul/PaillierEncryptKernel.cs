using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>The encryptor's first step: its operand Y packed into slots and encrypted (docs/protocol.md §4).</summary>
public static class PaillierEncryptKernel
{
    /// <summary>Writes ciphertexts of operands [first, first + count) at fixed width into output.</summary>
    public static void EncryptBlock(PackingPlan plan, Matrix<long> y, PaillierEncryptor encryptor, int first, int count, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(encryptor);
        if (y.Rows != plan.Inner || y.Columns != plan.Columns)
        {
            throw new EncodingException($"The encryptor's operand is {y.Rows}x{y.Columns}; the plan expects {plan.Inner}x{plan.Columns}.");
        }

        var width = encryptor.Key.CiphertextBytes;
        if (first < 0 || count < 0 || first + count > plan.EncryptedCount || output.Length != count * width)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The block lies outside the plan or the output has the wrong size.");
        }

        using var ciphertext = encryptor.Context.Arithmetic.NewResidue();
        for (var i = 0; i < count; i++)
        {
            encryptor.Encrypt(Plaintext(plan, y, first + i), first + i, ciphertext);
            encryptor.Context.WriteCiphertext(ciphertext, output.Slice(i * width, width));
        }
    }

    /// <summary>Σ_c y[k, col(c)]·2^(w·slot(a, c)) for the operand at this index, as a signed integer.</summary>
    internal static BigInteger Plaintext(PackingPlan plan, Matrix<long> y, int index)
    {
        var a = index % plan.RowGroupSize;
        var k = index / plan.RowGroupSize % plan.Inner;
        var columnGroup = index / plan.RowGroupSize / plan.Inner;
        var value = BigInteger.Zero;
        for (var c = 0; c < plan.ColumnGroupSize; c++)
        {
            var column = (columnGroup * plan.ColumnGroupSize) + c;
            if (column < plan.Columns)
            {
                value += new BigInteger(y[k, column]) << (plan.SlotBits * PackingPlan.Slot(a, c, plan.ColumnGroupSize));
            }
        }

        return value;
    }
}
