using System.Text;

namespace Duet.Actors.Protocol;

// Sent by the Encryptor (the key owner) to the Evaluator.

/// <summary>The Encryptor's public key in its scheme's bytes (docs/protocol.md §8, docs/lattice.md), with the parameters
/// it was made for, which the evaluator checks against the plan both derived from the hellos.</summary>
public sealed record KeyMessage(Guid SessionId, byte[] Key) : IProtocolMessage
{
    public bool Equals(KeyMessage? other) => other is not null && SessionId == other.SessionId && ByteContent.Equal(Key, other.Key);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        ByteContent.AddTo(ref hash, Key);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, ");
        ByteContent.Print(builder, nameof(Key), Key);
        return true;
    }
}

/// <summary>A run of fixed-width ciphertexts of the session's scheme; <see cref="EncryptedBlock"/> and <see cref="ResultBlock"/> are the two kinds.</summary>
/// <param name="BlockIndex">Sequence number of the block in its stream, from 0; credit counts blocks.</param>
/// <param name="FirstIndex">Position of the first ciphertext in the plan's flat ordering of its stream.</param>
/// <param name="Count">Number of ciphertexts.</param>
/// <param name="Width">Bytes per ciphertext: each is unsigned big-endian, left-padded to exactly this width.</param>
/// <param name="Ciphertexts">The <paramref name="Count"/> ciphertexts concatenated; length is Count·Width.
/// The session's scheme reads them (<see cref="Duet.Crypto.Schemes.IEvaluatorKernels.Absorb"/>).</param>
public abstract record CiphertextBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : IProtocolMessage
{
    public virtual bool Equals(CiphertextBlock? other) =>
        other is not null && EqualityContract == other.EqualityContract && SessionId == other.SessionId && BlockIndex == other.BlockIndex
        && FirstIndex == other.FirstIndex && Count == other.Count && Width == other.Width && ByteContent.Equal(Ciphertexts, other.Ciphertexts);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(EqualityContract);
        hash.Add(SessionId);
        hash.Add(BlockIndex);
        hash.Add(FirstIndex);
        hash.Add(Count);
        hash.Add(Width);
        ByteContent.AddTo(ref hash, Ciphertexts);
        return hash.ToHashCode();
    }

    protected virtual bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append($"SessionId = {SessionId}, BlockIndex = {BlockIndex}, FirstIndex = {FirstIndex}, Count = {Count}, Width = {Width}, ");
        ByteContent.Print(builder, nameof(Ciphertexts), Ciphertexts);
        return true;
    }
}

/// <summary>A run of the Encryptor's ciphertexts Y[k,a] (docs/protocol.md §4), in the plan's flat ordering of encrypted operands.</summary>
public sealed record EncryptedBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : CiphertextBlock(SessionId, BlockIndex, FirstIndex, Count, Width, Ciphertexts);
