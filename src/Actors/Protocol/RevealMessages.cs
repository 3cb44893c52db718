using System.Text;

namespace Duet.Actors.Protocol;

// Sent by a party that holds a share, to a party that is to receive the revealed product (PROTOCOL.md §7).

/// <summary>A block of rows of the sender's share of P, in P's orientation (rows of L, columns of R).</summary>
/// <param name="FirstRow">Index in P of the first row of this block.</param>
/// <param name="Rows">Rows in this block.</param>
/// <param name="Columns">Columns of P.</param>
/// <param name="Values">Rows·Columns signed integers, row-major, in the encoding of
/// <see cref="Wire.SignedIntegerCodec"/>.</param>
public sealed record RevealedShare(Guid SessionId, int FirstRow, int Rows, int Columns, byte[] Values) : IProtocolMessage
{
    public bool Equals(RevealedShare? other) =>
        other is not null && SessionId == other.SessionId && FirstRow == other.FirstRow && Rows == other.Rows
        && Columns == other.Columns && ByteContent.Equal(Values, other.Values);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(FirstRow);
        hash.Add(Rows);
        hash.Add(Columns);
        ByteContent.AddTo(ref hash, Values);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, FirstRow = {FirstRow}, Rows = {Rows}, Columns = {Columns}, ");
        ByteContent.Print(builder, nameof(Values), Values);
        return true;
    }
}
