using System.Text;

namespace Duet.Actors.Protocol;

// Sent by a party that holds a share, to a party that is to receive the revealed product (docs/protocol.md §7).

/// <summary>A run of the sender's share of P, in P's orientation (rows of L, columns of R) and row-major order: a
/// run may hold several rows or part of one, so every message stays under the transport frame (docs/protocol.md §10).</summary>
/// <param name="First">Row-major index in P of the first entry of this run.</param>
/// <param name="Count">Entries in this run.</param>
/// <param name="Values">Count signed integers in the encoding of <see cref="Wire.SignedIntegerCodec"/>.</param>
public sealed record RevealedShare(Guid SessionId, int First, int Count, byte[] Values) : IProtocolMessage
{
    public bool Equals(RevealedShare? other) =>
        other is not null && SessionId == other.SessionId && First == other.First && Count == other.Count
        && ByteContent.Equal(Values, other.Values);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(First);
        hash.Add(Count);
        ByteContent.AddTo(ref hash, Values);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, First = {First}, Count = {Count}, ");
        ByteContent.Print(builder, nameof(Values), Values);
        return true;
    }
}

/// <summary>Flow control of a reveal, from the party receiving the revealed share to its sender: the sender may have
/// sent the runs numbered below <see cref="Granted"/> (counted from 0 in sending order). Cumulative, like
/// <see cref="Credit"/>, so a lost or reordered grant never shrinks the window.</summary>
public sealed record RevealCredit(Guid SessionId, int Granted) : IProtocolMessage;
