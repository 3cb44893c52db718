using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Delivery;

/// <summary>One party's final share of P as it travels to the collector: the facts of its metadata file and its
/// entries in the share domain (ring64 entries in [0, 2^64)).</summary>
public sealed record DeliveredShare(Guid SessionId, OperandSide Side, ShareDomain Domain, int FractionBits, Matrix<BigInteger> Values)
{
    /// <summary>The share of a completed session, reduced into its domain as the share file holds it.</summary>
    public static DeliveredShare Of(PartyResult result, OperandSide side)
    {
        ArgumentNullException.ThrowIfNull(result);
        var share = result.Share ?? throw new InvalidOperationException("a streamed share is in its file, not in memory: deliver it with 'duet deliver --share FILE'");
        return new(result.Statistics.SessionId, side, result.Domain, result.ProductFractionBits, Shares.Reduce(share, result.Domain));
    }

    /// <summary>The offer that opens this share's delivery.</summary>
    internal ShareOffer Offer() => new(SessionId, Side, Domain, FractionBits, Values.Rows, Values.Columns, Transcript.ShareDigest(Values));

    /// <summary>Null when the two are the two shares of one product; otherwise why not (nothing of either share's values).</summary>
    internal static string? Mismatch(ShareOffer offer, ShareOffer other) =>
        offer.SessionId != other.SessionId ? $"the shares come from two different sessions ({other.SessionId} and {offer.SessionId})"
        : offer.Side == other.Side ? $"a second share of the {Words(offer.Side)} side"
        : offer.Domain != other.Domain ? $"their share domains differ ({Words(other.Domain)} and {Words(offer.Domain)})"
        : offer.FractionBits != other.FractionBits || offer.Rows != other.Rows || offer.Columns != other.Columns
            ? $"their metadata disagree on the product's shape or scale ({other.Rows}x{other.Columns}, {other.FractionBits} fraction bits and {offer.Rows}x{offer.Columns}, {offer.FractionBits})"
        : null;

    internal static string Words<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>What the collector received: the two shares of one session, checked to belong together.</summary>
public sealed record CollectedShares(DeliveredShare Left, DeliveredShare Right);

/// <summary>How a delivery went, for the sending party's summary line.</summary>
/// <param name="Collector">HOST:PORT of the collector.</param>
/// <param name="Runs">Messages the share travelled in.</param>
/// <param name="Bytes">Payload bytes of those messages.</param>
public sealed record DeliveryReport(string Collector, int Runs, long Bytes, TimeSpan Elapsed);

/// <summary>A delivery or a collection that ended without its result; the message is the one line to show.</summary>
public sealed class DeliveryFailedException(string message) : Exception(message)
{
    /// <summary>True when the collector's wait ended before both shares arrived.</summary>
    public bool TimedOut { get; init; }
}
