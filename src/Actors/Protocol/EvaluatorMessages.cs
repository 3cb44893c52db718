using System.Text;

namespace Duet.Actors.Protocol;

// Sent by the Evaluator to the Encryptor.

/// <summary>A run of masked, re-randomised result ciphertexts R[g] (PROTOCOL.md §5), one per row group and
/// column group, in the plan's flat ordering of results.</summary>
/// <param name="BlockIndex">Sequence number of the block in its stream, from 0; credit counts blocks.</param>
/// <param name="FirstIndex">Position of the first ciphertext in the plan's flat ordering of results.</param>
/// <param name="Count">Number of ciphertexts.</param>
/// <param name="Width">Bytes per ciphertext: each is unsigned big-endian, left-padded to exactly this width.</param>
/// <param name="Ciphertexts">The <paramref name="Count"/> ciphertexts concatenated; length is Count·Width.</param>
public sealed record ResultBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : IProtocolMessage
{
    public bool Equals(ResultBlock? other) =>
        other is not null && SessionId == other.SessionId && BlockIndex == other.BlockIndex && FirstIndex == other.FirstIndex
        && Count == other.Count && Width == other.Width && ByteContent.Equal(Ciphertexts, other.Ciphertexts);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(BlockIndex);
        hash.Add(FirstIndex);
        hash.Add(Count);
        hash.Add(Width);
        ByteContent.AddTo(ref hash, Ciphertexts);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, BlockIndex = {BlockIndex}, FirstIndex = {FirstIndex}, Count = {Count}, Width = {Width}, ");
        ByteContent.Print(builder, nameof(Ciphertexts), Ciphertexts);
        return true;
    }
}
