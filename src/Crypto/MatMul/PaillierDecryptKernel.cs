using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>The encryptor's finish (docs/protocol.md §6): decrypt, unpack slots, subtract the offset.</summary>
public static class PaillierDecryptKernel
{
    /// <summary>
    /// Validates and decrypts results [first, first + count) and writes the encryptor's shares v_s − 2^bz into its
    /// share matrix (blocks write disjoint entries); the share matrix may hold only the entries from row <paramref name="firstRow"/> and column <paramref name="firstColumn"/> on.
    /// </summary>
    public static void DecryptBlock(PackingPlan plan, PaillierDecryptor decryptor, ReadOnlySpan<byte> ciphertexts, int first, int count, Matrix<BigInteger> encryptorShare, int firstRow = 0, int firstColumn = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(decryptor);
        ArgumentNullException.ThrowIfNull(encryptorShare);
        if (first < 0 || count < 0 || first + count > plan.ResultCount)
        {
            throw new InvalidCiphertextException("index", $"Results [{first}, {first + count}) lie outside the plan's {plan.ResultCount}.");
        }

        var key = decryptor.Context;
        var residues = new Residue[count];
        for (var i = 0; i < count; i++)
        {
            residues[i] = key.Arithmetic.NewResidue();
        }

        try
        {
            key.ReadCiphertexts(ciphertexts, residues);
            var slotMask = (BigInteger.One << plan.SlotBits) - 1;
            var offset = BigInteger.One << plan.ProductBits;
            for (var i = 0; i < count; i++)
            {
                var index = first + i;
                var plaintext = decryptor.DecryptUnsigned(residues[i]);
                var used = BigInteger.Zero;
                foreach (var (slot, row, column) in PaillierEvaluateKernel.Slots(plan, index / plan.ColumnGroups, index % plan.ColumnGroups))
                {
                    var value = (plaintext >> (plan.SlotBits * slot)) & slotMask;
                    used |= value << (plan.SlotBits * slot);
                    encryptorShare[row - firstRow, column - firstColumn] = value - offset;
                }

                // Everything but the used slots, i.e. the unused slots and the bits above w·S, must decrypt to zero.
                if (plaintext != used)
                {
                    throw new InvalidPlaintextException(
                        "unused-slots-zero", $"Result {index} has non-zero bits outside its used slots (unused slots or above w·S = {plan.SlotBits * plan.Slots}).");
                }
            }
        }
        finally
        {
            foreach (var r in residues)
            {
                r.Dispose();
            }
        }
    }
}
