using System.Text;

namespace Duet.Actors.Protocol;

/// <summary>
/// One part of a peer message whose encoding is larger than the transport frame allows (a fresh BFV ciphertext at
/// N = 16384 under a small frame, say): the sender cuts the encoded message into parts sent in order, the receiving
/// session joins them and handles the message as if it had come whole, with every check it would get whole.
/// </summary>
/// <param name="Manifest">The manifest of the whole message: a key message or a ciphertext block.</param>
/// <param name="Index">Position of this part, from 0.</param>
/// <param name="Count">Parts of the whole message, at least 2.</param>
public sealed record MessagePart(Guid SessionId, string Manifest, int Index, int Count, byte[] Bytes) : IProtocolMessage
{
    public bool Equals(MessagePart? other) =>
        other is not null && SessionId == other.SessionId && Manifest == other.Manifest && Index == other.Index && Count == other.Count
        && ByteContent.Equal(Bytes, other.Bytes);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(Manifest);
        hash.Add(Index);
        hash.Add(Count);
        ByteContent.AddTo(ref hash, Bytes);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, Manifest = {Manifest}, Index = {Index}, Count = {Count}, ");
        ByteContent.Print(builder, nameof(Bytes), Bytes);
        return true;
    }
}
