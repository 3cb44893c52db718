using System.Text;

namespace Duet.Actors.Protocol;

// Sent by the Encryptor (the key owner) to the Evaluator.

/// <summary>The Encryptor's Paillier public key (PROTOCOL.md §8): n and the DJN base h_s, both unsigned big-endian,
/// and l, the order bits of a fast key (0 for a standard key), which sets the evaluator's re-randomiser length.</summary>
public sealed record PublicKeyMessage(Guid SessionId, byte[] N, byte[] Hs, int OrderBits) : IProtocolMessage
{
    public bool Equals(PublicKeyMessage? other) =>
        other is not null && SessionId == other.SessionId && ByteContent.Equal(N, other.N) && ByteContent.Equal(Hs, other.Hs)
        && OrderBits == other.OrderBits;

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        ByteContent.AddTo(ref hash, N);
        ByteContent.AddTo(ref hash, Hs);
        hash.Add(OrderBits);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, ");
        ByteContent.Print(builder, nameof(N), N);
        builder.Append(", ");
        ByteContent.Print(builder, nameof(Hs), Hs);
        builder.Append($", OrderBits = {OrderBits}");
        return true;
    }
}

/// <summary>A run of fixed-width ciphertexts; <see cref="EncryptedBlock"/> and <see cref="ResultBlock"/> are the two kinds.</summary>
/// <param name="BlockIndex">Sequence number of the block in its stream, from 0; credit counts blocks.</param>
/// <param name="FirstIndex">Position of the first ciphertext in the plan's flat ordering of its stream.</param>
/// <param name="Count">Number of ciphertexts.</param>
/// <param name="Width">Bytes per ciphertext: each is unsigned big-endian, left-padded to exactly this width.</param>
/// <param name="Ciphertexts">The <paramref name="Count"/> ciphertexts concatenated; length is Count·Width.
/// Read them with <see cref="Duet.Crypto.Paillier.PaillierPublicKey.ReadCiphertexts"/>.</param>
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

/// <summary>A run of the Encryptor's ciphertexts Y[k,a] (PROTOCOL.md §4), in the plan's flat ordering of encrypted operands.</summary>
public sealed record EncryptedBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : CiphertextBlock(SessionId, BlockIndex, FirstIndex, Count, Width, Ciphertexts);
