using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Schemes;

/// <summary>
/// The evaluator's side of a session: the peer's public key and encrypted operand, validated as they arrive,
/// prepared once complete, then tiles evaluated from bands of X: products, masked, re-randomised, with the
/// evaluator's share of the band. Safe for concurrent calls on different blocks and tiles.
/// </summary>
public interface IEvaluatorKernels : IDisposable
{
    IProductPlan Plan { get; }

    /// <summary>The peer's public key as received.</summary>
    byte[] PublicKey { get; }

    /// <summary>Validates and keeps operands [first, first + count); throws <see cref="InvalidCiphertextException"/>.</summary>
    void Absorb(int first, int count, ReadOnlySpan<byte> ciphertexts);

    /// <summary>The kept operands in wire form, for a worker node to absorb in turn.</summary>
    byte[] Operands();

    /// <summary>Builds what tiles need once every operand is kept (Paillier's tables; nothing for BFV), within the budget.</summary>
    void Prepare(long memoryBudget, int parallelism);

    /// <summary>How the preparation chose to evaluate, for the summary; null when the scheme has no choice.</summary>
    string? Strategy { get; }

    /// <summary>
    /// Evaluates tile <paramref name="tile"/> from <paramref name="x"/>, the rows of X its band covers: writes its
    /// results at <see cref="IProductPlan.ResultWidth"/> each and the evaluator's share of the band. Every mask and
    /// re-randomiser comes from <paramref name="random"/>, so whoever holds its seed computes the same tile.
    /// </summary>
    void Evaluate(int tile, Matrix<long> x, RandomStream random, Span<byte> output, Matrix<BigInteger> share, KernelCpu? cpu);

    /// <summary>Checks <paramref name="count"/> ciphertexts of this side's own stream that another node of the party
    /// computed, as the peer will (width and range); throws <see cref="InvalidCiphertextException"/>.</summary>
    void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count);
}

/// <summary>What the evaluator accepts of a peer's key: its own key-size floor and fast-key opt-in, and the form the
/// peer's hello announced (null on a worker node, whose session node compared them).</summary>
public sealed record EvaluatorPolicy(int MinKeyBits, bool AcceptFastKey, Paillier.KeyForm? Announced);

/// <summary>Why a peer's key is refused beyond a failed check of its own (<see cref="InvalidKeyException"/>).</summary>
public enum KeyRefusal
{
    /// <summary>The key is not for the agreed plan or not of the form announced.</summary>
    Mismatch,

    /// <summary>The key's form is one this party does not accept.</summary>
    FormRefused,
}

/// <summary>A peer's key that is well formed but not acceptable here.</summary>
public sealed class KeyRefusedException(KeyRefusal refusal, string message) : Exception(message)
{
    public KeyRefusal Refusal { get; } = refusal;
}
