using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;

namespace Duet.Actors.State;

/// <summary>
/// Collects the peer's share of P from <see cref="RevealedShare"/> runs (docs/protocol.md §7, §9) into a sink (the host's
/// file of a streamed run, or a matrix in memory): checks each against P's entries and every value against its
/// domain's range (ring64: [0, 2^64); integer: |v| &lt; 2^w, w the slot width, which bounds both parties' shares),
/// ignores identical repeats of entries and refuses different ones (repeated entries are read back from the sink to
/// compare). The transcript's digest of the share is hashed as the entries arrive, in P's order: runs in order (an
/// honest peer's) are hashed as they come; entries that arrived ahead of a gap are read back once the gap is filled.
/// </summary>
internal sealed class RevealAssembler
{
    /// <summary>Entries read back at a time (to compare a repeat or to hash entries that arrived out of order).</summary>
    private const int ReadBackEntries = 4096;

    private readonly long entries;
    private readonly int columns;
    private readonly ShareDomain domain;
    private readonly BigInteger limit;
    private readonly IShareSink sink;
    private readonly EntryRuns received = new();
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long hashed;
    private byte[]? digest;

    /// <param name="sink">An open sink for the peer's share; null to hold it in memory (<see cref="Share"/>).</param>
    public RevealAssembler(int rows, int columns, ShareDomain domain, int slotBits, IShareSink? sink = null)
    {
        (entries, this.columns, this.domain) = ((long)rows * columns, columns, domain);
        limit = domain == ShareDomain.Ring64 ? BigInteger.One << 64 : BigInteger.One << slotBits;
        this.sink = sink ?? new MatrixShareSink(rows, columns);
    }

    /// <summary>The peer's share when it is held in memory; null when it went to the host's sink.</summary>
    public Matrix<BigInteger>? Share => (sink as MatrixShareSink)?.Share;

    public bool Complete => received.Covered == entries;

    /// <summary>Runs accepted so far (repeats included): what the sender's <see cref="RevealCredit"/> window counts.</summary>
    public int Runs { get; private set; }

    /// <summary>SHA-256 of the whole share as its values travel, row by row (<see cref="Transcript.ShareDigest"/>).</summary>
    public byte[] Digest() => Complete ? digest ??= hash.GetHashAndReset() : throw new InvalidOperationException("the revealed share is not complete");

    /// <summary>Adds one message; null when accepted, otherwise the reason and text of the abort it calls for.</summary>
    public (AbortReason Reason, string Text)? Add(RevealedShare revealed)
    {
        ArgumentNullException.ThrowIfNull(revealed);
        if (revealed.First < 0 || revealed.Count < 1 || (long)revealed.First + revealed.Count > entries)
        {
            return (AbortReason.PlanMismatch, $"revealed entries [{revealed.First}, {(long)revealed.First + revealed.Count}) do not fit the {entries / columns}x{columns} product");
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

        var (first, end) = ((long)revealed.First, (long)revealed.First + revealed.Count);
        foreach (var (start, stop) in received.Overlaps(first, end))
        {
            var known = sink.Read(start, (int)(stop - start));
            var changed = Enumerable.Range(0, known.Length).FirstOrDefault(i => known[i] != values[start - first + i], -1);
            if (changed >= 0)
            {
                var entry = start + changed;
                return (AbortReason.DuplicateMismatch, $"revealed entry {entry} (row {entry / columns}) arrived twice with different values");
            }
        }

        foreach (var (start, stop) in received.Gaps(first, end).ToList())
        {
            foreach (var region in ShareRegion.OfRun(start, values[(int)(start - first)..(int)(stop - first)], columns))
            {
                sink.Write(region);
            }

            received.Add(start, stop);
        }

        HashInOrder(first, end, revealed.Values);
        Runs++;
        return null;
    }

    /// <summary>This party's share of P cut into runs of at most <paramref name="blockBytes"/> payload bytes (one
    /// value more when a single value is larger).</summary>
    public static IEnumerable<RevealedShare> Split(Guid sessionId, Matrix<BigInteger> share, int blockBytes)
    {
        ArgumentNullException.ThrowIfNull(share);
        return Split(sessionId, share.Data.Length, (first, count) => share.Data.AsSpan((int)first, count).ToArray(), blockBytes);
    }

    /// <summary>A share of <paramref name="entries"/> entries, read back lazily in row-major order as the runs are
    /// taken (a few thousand entries at a time), cut into runs of at most <paramref name="blockBytes"/> payload bytes
    /// (one value more when a single value is larger).</summary>
    public static IEnumerable<RevealedShare> Split(Guid sessionId, int entries, Func<long, int, BigInteger[]> read, int blockBytes)
    {
        ArgumentNullException.ThrowIfNull(read);
        var (buffer, bufferStart) = (Array.Empty<BigInteger>(), 0L);
        BigInteger At(int entry)
        {
            if (entry >= bufferStart + buffer.Length)
            {
                (buffer, bufferStart) = (read(entry, Math.Min(ReadBackEntries, entries - entry)), entry);
            }

            return buffer[entry - bufferStart];
        }

        var run = new List<BigInteger>();
        for (var first = 0; first < entries; first += run.Count)
        {
            run.Clear();
            run.Add(At(first));
            var bytes = SignedIntegerCodec.EncodedBytes(run[0]);
            while (first + run.Count < entries && bytes + SignedIntegerCodec.EncodedBytes(At(first + run.Count)) is var grown && grown <= blockBytes)
            {
                bytes = grown;
                run.Add(At(first + run.Count));
            }

            yield return new RevealedShare(sessionId, first, run.Count, SignedIntegerCodec.Encode(CollectionsMarshal.AsSpan(run)));
        }
    }

    /// <summary>Hashes what the run adds to the entries hashed so far, then any entries that arrived ahead of it.</summary>
    private void HashInOrder(long first, long end, byte[] encoded)
    {
        if (first == hashed)
        {
            hash.AppendData(encoded);
            hashed = end;
        }

        for (var next = received.EndFrom(hashed); hashed < next;)
        {
            var count = (int)Math.Min(ReadBackEntries, next - hashed);
            hash.AppendData(SignedIntegerCodec.Encode(sink.Read(hashed, count)));
            hashed += count;
        }
    }
}
