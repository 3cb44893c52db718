using Duet.Crypto.Encoding;

namespace Duet.Crypto.Schemes;

/// <summary>A homomorphic scheme as a session uses it: a plan from the agreed shape, and the two sides' kernels.</summary>
public interface IMatrixScheme
{
    Scheme Id { get; }

    /// <summary>The plan for this shape, or an <see cref="EncodingException"/> saying why none is safe.</summary>
    IProductPlan Plan(ProductShape shape);

    /// <summary>The key owner's kernels over its operand Y (k×n), keyed as <paramref name="keying"/> says.</summary>
    IEncryptorKernels CreateEncryptor(IProductPlan plan, Matrix<long> y, EncryptorKeying keying);

    /// <summary>The evaluator's kernels under a peer's public key, or <see cref="InvalidKeyException"/> /
    /// <see cref="KeyRefusedException"/> saying why the key is refused.</summary>
    IEvaluatorKernels CreateEvaluator(IProductPlan plan, ReadOnlySpan<byte> publicKey, EvaluatorPolicy policy);
}

/// <summary>The registration of every scheme: the one place a new scheme is added.</summary>
public static class MatrixSchemes
{
    private static readonly IMatrixScheme[] All = [new MatMul.PaillierScheme(), new Lattice.BfvScheme()];

    public static IMatrixScheme Of(Scheme scheme) =>
        All.FirstOrDefault(s => s.Id == scheme) ?? throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "not a registered scheme");

    /// <summary>The plan of the agreed shape under <paramref name="scheme"/>.</summary>
    public static IProductPlan Plan(Scheme scheme, ProductShape shape) => Of(scheme).Plan(shape);
}
