using System.Text;

namespace Duet.Actors.Protocol;

// The messages of a BFV session (docs/lattice.md) that differ from the Paillier ones; Credit, Done, Confirm, Abort
// and RevealedShare are shared.

/// <summary>The encryptor's BFV public key (seed of a', then b at every prime in NTT form), with the parameters it
/// was made for, which the evaluator checks against the plan both derived from the hellos.</summary>
/// <param name="Degree">Ring degree N.</param>
/// <param name="Primes">Primes of the coefficient modulus.</param>
/// <param name="PlainBits">τ of the plaintext modulus T = 2^τ.</param>
public sealed record LatticeKeyMessage(Guid SessionId, int Degree, int Primes, int PlainBits, byte[] Key) : IProtocolMessage
{
    public bool Equals(LatticeKeyMessage? other) =>
        other is not null && SessionId == other.SessionId && Degree == other.Degree && Primes == other.Primes && PlainBits == other.PlainBits
        && ByteContent.Equal(Key, other.Key);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(Degree);
        hash.Add(Primes);
        hash.Add(PlainBits);
        ByteContent.AddTo(ref hash, Key);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, Degree = {Degree}, Primes = {Primes}, PlainBits = {PlainBits}, ");
        ByteContent.Print(builder, nameof(Key), Key);
        return true;
    }
}

/// <summary>Seeded BFV ciphertexts of the encryptor's Ŷ blocks (half size: seed and c0), in the coefficient plan's
/// order of encrypted operands.</summary>
public sealed record LatticeEncryptedBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : CiphertextBlock(SessionId, BlockIndex, FirstIndex, Count, Width, Ciphertexts);

/// <summary>The evaluator's masked, re-randomised, flooded and switched BFV replies of one tile (c0 at the result
/// coefficients only, then c1), in the coefficient plan's order of results.</summary>
public sealed record LatticeResultBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : CiphertextBlock(SessionId, BlockIndex, FirstIndex, Count, Width, Ciphertexts);

/// <summary>The block messages of each scheme: a session builds and accepts only those of its own.</summary>
public static class CiphertextBlocks
{
    public static CiphertextBlock Encrypted(Scheme scheme, Guid sessionId, int blockIndex, int firstIndex, int count, int width, byte[] ciphertexts) =>
        scheme == Scheme.Bfv
            ? new LatticeEncryptedBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts)
            : new EncryptedBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);

    public static CiphertextBlock Result(Scheme scheme, Guid sessionId, int blockIndex, int firstIndex, int count, int width, byte[] ciphertexts) =>
        scheme == Scheme.Bfv
            ? new LatticeResultBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts)
            : new ResultBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);

    public static bool IsEncrypted(CiphertextBlock block, Scheme scheme) => scheme == Scheme.Bfv ? block is LatticeEncryptedBlock : block is EncryptedBlock;

    public static bool IsResult(CiphertextBlock block, Scheme scheme) => scheme == Scheme.Bfv ? block is LatticeResultBlock : block is ResultBlock;
}
