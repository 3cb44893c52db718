using System.Security.Cryptography;
using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Delivery;

/// <summary>One party's final share of P as it travels to the collector: the facts of its metadata file and its
/// entries in the share domain (ring64 entries in [0, 2^64)).</summary>
/// <param name="Transcript">The SHA-256 transcript digest of the session, which both parties checked.</param>
public sealed record DeliveredShare(Guid SessionId, OperandSide Side, ShareDomain Domain, int FractionBits, Matrix<BigInteger> Values, byte[] Transcript)
{
    /// <summary>The share of a completed session, reduced into its domain as the share file holds it.</summary>
    public static DeliveredShare Of(PartyResult result, OperandSide side)
    {
        ArgumentNullException.ThrowIfNull(result);
        var share = result.Share ?? throw new InvalidOperationException("a streamed share is in its file, not in memory: deliver it with 'duet deliver --share FILE'");
        return new(result.Statistics.SessionId, side, result.Domain, result.ProductFractionBits, Shares.Reduce(share, result.Domain), result.TranscriptDigest);
    }

    /// <summary>This share as its sender reads it.</summary>
    public ShareSource Source() =>
        new(SessionId, Side, Domain, FractionBits, Values.Rows, Values.Columns, Transcript, (first, count) => Values.Data.AsSpan(checked((int)first), count).ToArray());

    /// <summary>Null when the two are the two shares of one product; otherwise why not (nothing of either share's values).</summary>
    internal static string? Mismatch(ShareOffer offer, ShareOffer other) =>
        offer.SessionId != other.SessionId ? $"the shares come from two different sessions ({other.SessionId} and {offer.SessionId})"
        : offer.Side == other.Side ? $"a second share of the {Words(offer.Side)} side"
        : offer.Domain != other.Domain ? $"their share domains differ ({Words(other.Domain)} and {Words(offer.Domain)})"
        : offer.FractionBits != other.FractionBits || offer.Rows != other.Rows || offer.Columns != other.Columns
            ? $"their metadata disagree on the product's shape or scale ({other.Rows}x{other.Columns}, {other.FractionBits} fraction bits and {offer.Rows}x{offer.Columns}, {offer.FractionBits})"
        : !offer.Transcript.AsSpan().SequenceEqual(other.Transcript)
            ? $"their session transcript digests differ ({Short(other.Transcript)}… and {Short(offer.Transcript)}…): the two shares are not of the same finished session"
        : null;

    private static string Short(byte[] digest) => Convert.ToHexStringLower(digest.AsSpan(0, 8));

    internal static string Words<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>A final share as its sender reads it for the delivery: its facts and a reader of its entries in P's
/// row-major order and the share domain, from memory or back from the party's share file, a few thousand at a time.</summary>
/// <param name="Transcript">The SHA-256 transcript digest of the session, which both parties checked.</param>
public sealed record ShareSource(Guid SessionId, OperandSide Side, ShareDomain Domain, int FractionBits, int Rows, int Columns, byte[] Transcript, Func<long, int, BigInteger[]> Read)
{
    /// <summary>The share cut into runs as revealed shares are (<see cref="RevealAssembler.Split(Guid, int, Func{long, int, BigInteger[]}, int)"/>), read lazily.</summary>
    internal IEnumerable<RevealedShare> Runs(int blockBytes) => RevealAssembler.Split(SessionId, checked(Rows * Columns), Read, blockBytes);

    /// <summary>The offer that opens the delivery (its digest is <see cref="State.Transcript.ShareDigest"/> of the share, from one
    /// pass over the runs) and the number of runs the share travels in.</summary>
    internal (ShareOffer Offer, int Runs) Offer(int blockBytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var runs = 0;
        foreach (var run in Runs(blockBytes))
        {
            hash.AppendData(run.Values);
            runs++;
        }

        return (new ShareOffer(SessionId, Side, Domain, FractionBits, Rows, Columns, hash.GetHashAndReset(), Transcript), runs);
    }
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
