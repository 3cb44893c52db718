using System.Numerics;
using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;

namespace Duet.Actors.State;

/// <summary>
/// Collects the peer's share of P row by row from <see cref="RevealedShare"/> messages (PROTOCOL.md §7, §9): checks
/// each against P's shape and every value against its domain's range (ring64: [0, 2^64); integer: |v| &lt; 2^w, w the
/// slot width, which bounds both parties' shares), ignores an identical repeat of a row and refuses a different one.
/// </summary>
internal sealed class RevealAssembler(int rows, int columns, ShareDomain domain, int slotBits)
{
    private readonly BigInteger limit = domain == ShareDomain.Ring64 ? BigInteger.One << 64 : BigInteger.One << slotBits;

    private readonly bool[] seen = new bool[rows];
    private int received;

    public Matrix<BigInteger> Share { get; } = new(rows, columns);

    public bool Complete => received == seen.Length;

    /// <summary>Adds one message; null when accepted, otherwise the reason and text of the abort it calls for.</summary>
    public (AbortReason Reason, string Text)? Add(RevealedShare revealed)
    {
        ArgumentNullException.ThrowIfNull(revealed);
        var (rowCount, columnCount) = (Share.Rows, Share.Columns);
        if (revealed.Columns != columnCount || revealed.FirstRow < 0 || revealed.Rows < 1 || revealed.FirstRow + revealed.Rows > rowCount)
        {
            return (AbortReason.PlanMismatch, $"revealed rows [{revealed.FirstRow}, {revealed.FirstRow + revealed.Rows}) of {revealed.Columns} columns do not fit the {rowCount}x{columnCount} product");
        }

        BigInteger[] values;
        try
        {
            values = SignedIntegerCodec.Decode(revealed.Values, revealed.Rows * revealed.Columns);
        }
        catch (SerializationException error)
        {
            return (AbortReason.UnexpectedMessage, $"revealed share values are malformed: {error.Message}");
        }

        foreach (var value in values)
        {
            if (value >= limit || (domain == ShareDomain.Ring64 ? value.Sign < 0 : -value >= limit))
            {
                return (AbortReason.PlanMismatch, $"a revealed share value is outside the {domain.ToString().ToLowerInvariant()} range of this session");
            }
        }

        for (var r = 0; r < revealed.Rows; r++)
        {
            if (seen[revealed.FirstRow + r] && !values.AsSpan(r * columnCount, columnCount).SequenceEqual(Share.Row(revealed.FirstRow + r)))
            {
                return (AbortReason.DuplicateMismatch, $"revealed row {revealed.FirstRow + r} arrived twice with different values");
            }
        }

        for (var r = 0; r < revealed.Rows; r++)
        {
            var row = revealed.FirstRow + r;
            if (!seen[row])
            {
                values.AsSpan(r * columnCount, columnCount).CopyTo(Share.Data.AsSpan(row * columnCount, columnCount));
                seen[row] = true;
                received++;
            }
        }

        return null;
    }

    /// <summary>This party's share of P cut into messages of about <paramref name="blockBytes"/> payload bytes.</summary>
    public static IEnumerable<RevealedShare> Split(Guid sessionId, Matrix<BigInteger> share, int blockBytes)
    {
        ArgumentNullException.ThrowIfNull(share);
        var rowsPerMessage = Math.Max(1, blockBytes / (share.Columns * SignedIntegerCodec.TypicalBytesPerValue));
        for (var row = 0; row < share.Rows; row += rowsPerMessage)
        {
            var rows = Math.Min(rowsPerMessage, share.Rows - row);
            var values = SignedIntegerCodec.Encode(share.Data.AsSpan(row * share.Columns, rows * share.Columns));
            yield return new RevealedShare(sessionId, row, rows, share.Columns, values);
        }
    }
}
