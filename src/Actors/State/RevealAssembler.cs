using System.Collections;
using System.Numerics;
using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;

namespace Duet.Actors.State;

/// <summary>
/// Collects the peer's share of P from <see cref="RevealedShare"/> runs (PROTOCOL.md §7, §9): checks each against
/// P's entries and every value against its domain's range (ring64: [0, 2^64); integer: |v| &lt; 2^w, w the slot
/// width, which bounds both parties' shares), ignores identical repeats of entries and refuses different ones.
/// </summary>
internal sealed class RevealAssembler(int rows, int columns, ShareDomain domain, int slotBits)
{
    private readonly BigInteger limit = domain == ShareDomain.Ring64 ? BigInteger.One << 64 : BigInteger.One << slotBits;

    private readonly BitArray seen = new(rows * columns);
    private int received;

    public Matrix<BigInteger> Share { get; } = new(rows, columns);

    public bool Complete => received == seen.Length;

    /// <summary>Adds one message; null when accepted, otherwise the reason and text of the abort it calls for.</summary>
    public (AbortReason Reason, string Text)? Add(RevealedShare revealed)
    {
        ArgumentNullException.ThrowIfNull(revealed);
        if (revealed.First < 0 || revealed.Count < 1 || (long)revealed.First + revealed.Count > seen.Length)
        {
            return (AbortReason.PlanMismatch, $"revealed entries [{revealed.First}, {(long)revealed.First + revealed.Count}) do not fit the {Share.Rows}x{Share.Columns} product");
        }

        BigInteger[] values;
        try
        {
            values = SignedIntegerCodec.Decode(revealed.Values, revealed.Count);
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

        for (var i = 0; i < values.Length; i++)
        {
            var entry = revealed.First + i;
            if (seen[entry] && values[i] != Share.Data[entry])
            {
                return (AbortReason.DuplicateMismatch, $"revealed entry {entry} (row {entry / Share.Columns}) arrived twice with different values");
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            var entry = revealed.First + i;
            if (!seen[entry])
            {
                Share.Data[entry] = values[i];
                seen[entry] = true;
                received++;
            }
        }

        return null;
    }

    /// <summary>This party's share of P cut into runs of at most <paramref name="blockBytes"/> payload bytes (one
    /// value more when a single value is larger).</summary>
    public static IEnumerable<RevealedShare> Split(Guid sessionId, Matrix<BigInteger> share, int blockBytes)
    {
        ArgumentNullException.ThrowIfNull(share);
        var entries = share.Data;
        var first = 0;
        while (first < entries.Length)
        {
            var (end, bytes) = (first + 1, SignedIntegerCodec.EncodedBytes(entries[first]));
            while (end < entries.Length && bytes + SignedIntegerCodec.EncodedBytes(entries[end]) is var grown && grown <= blockBytes)
            {
                (end, bytes) = (end + 1, grown);
            }

            yield return new RevealedShare(sessionId, first, end - first, SignedIntegerCodec.Encode(entries.AsSpan(first, end - first)));
            first = end;
        }
    }
}
