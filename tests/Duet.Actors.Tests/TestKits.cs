using Duet.Actors.Tiles;
using Duet.Crypto;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tests;

/// <summary>Kits of a Paillier session as the session builds them, through the scheme seam, from the test keys.</summary>
internal static class TestKits
{
    public static IEncryptorKernels EncryptorKernels(IProductPlan plan, Matrix<long> y, PaillierPrivateKey key, byte[]? seed = null) =>
        MatrixSchemes.Of(Scheme.Paillier).CreateEncryptor(plan, y, new EncryptorKeying(seed ?? RandomStream.NewSeed(), null, key, key.PublicKey.Form, key.PublicKey.Bits));

    public static EncryptorKit Encryptor(IProductPlan plan, Matrix<long> y, PaillierPrivateKey key, Func<Tile, bool>? fault = null) =>
        new(EncryptorKernels(plan, y, key), fault);

    /// <summary>The evaluator's kernels over a peer's key message and encrypted operand, absorbed and prepared.</summary>
    public static IEvaluatorKernels EvaluatorKernels(IProductPlan plan, byte[] publicKey, byte[] encrypted, int minKeyBits)
    {
        var kernels = MatrixSchemes.Of(plan.Scheme).CreateEvaluator(plan, publicKey, new EvaluatorPolicy(minKeyBits, true, null));
        kernels.Absorb(0, plan.EncryptedCount, encrypted);
        kernels.Prepare(EvaluationBases.DefaultMemoryBudget, 1);
        return kernels;
    }

    /// <summary>Every operand of the plan encrypted by <paramref name="encryptor"/>, in order.</summary>
    public static byte[] EncryptAll(IEncryptorKernels encryptor)
    {
        var plan = encryptor.Plan;
        var bytes = new byte[plan.EncryptedCount * plan.EncryptedWidth];
        encryptor.Encrypt(0, plan.EncryptedCount, bytes);
        return bytes;
    }
}
