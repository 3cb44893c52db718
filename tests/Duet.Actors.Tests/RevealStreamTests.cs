using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.State;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>A revealed share that never needs to be whole in memory: sent from a read-back, collected into a sink,
/// hashed for the transcript in P's order whatever order its runs come in; a streamed reveal is capped only by the
/// 32-bit run index, not by the in-memory product cap.</summary>
public sealed class RevealStreamTests
{
    private static readonly Guid Id = Guid.NewGuid();

    [Fact]
    public void EntryRunsMergeAndReportOverlapsAndGaps()
    {
        var runs = new EntryRuns();
        runs.Add(10, 20);
        runs.Add(30, 40);
        Assert.Equal([(10L, 20L), (30L, 35L)], runs.Overlaps(5, 35));
        Assert.Equal([(5L, 10L), (20L, 30L)], runs.Gaps(5, 35));
        Assert.Equal((20L, 5L), (runs.Covered, runs.EndFrom(5)));
        Assert.Equal(20, runs.EndFrom(12));
        runs.Add(20, 30);
        Assert.Equal(40, runs.EndFrom(10));
        Assert.Equal(30, runs.Covered);
        runs.Add(0, 10);
        Assert.Equal([(0L, 40L)], runs.Overlaps(0, 100));
        Assert.Equal([(40L, 100L)], runs.Gaps(0, 100));
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(3, 3)]
    [InlineData(5, 12)]
    [InlineData(14, 20)]
    public void ARunBecomesRectanglesThatCoverExactlyItsEntries(int first, int count)
    {
        var values = Enumerable.Range(first, count).Select(i => (BigInteger)i).ToArray();
        var covered = new List<BigInteger>();
        var regions = ShareRegion.OfRun(first, values, 5).ToList();
        Assert.InRange(regions.Count, 1, 3);
        foreach (var region in regions)
        {
            for (var r = 0; r < region.Rows; r++)
            {
                for (var c = 0; c < region.Columns; c++)
                {
                    Assert.Equal((BigInteger)(((region.FirstRow + r) * 5) + region.FirstColumn + c), region.Values[(r * region.Columns) + c]);
                    covered.Add(region.Values[(r * region.Columns) + c]);
                }
            }
        }

        Assert.Equal(values, covered);
    }

    [Fact]
    public void SplitOverAReadBackReadsLazilyAndCutsAsOverAMatrix()
    {
        var share = new Matrix<BigInteger>(100, 300, [.. Enumerable.Range(0, 30_000).Select(i => (BigInteger)ulong.MaxValue - (ulong)(i * 7919))]);
        var reads = new List<(long First, int Count)>();
        var lazy = RevealAssembler.Split(Id, share.Data.Length, (first, count) =>
        {
            reads.Add((first, count));
            return share.Data.AsSpan((int)first, count).ToArray();
        }, blockBytes: 4096);

        using (var runs = lazy.GetEnumerator())
        {
            Assert.True(runs.MoveNext());
            Assert.Equal([(0L, 4096)], reads);
        }

        Assert.Equal(RevealAssembler.Split(Id, share, 4096), lazy);
        Assert.All(reads, read => Assert.InRange(read.Count, 1, 4096));
    }

    [Fact]
    public void TheDigestIsTheWholeSharesInAnyOrderOfRunsAndChangesWithAValue()
    {
        var share = new Matrix<BigInteger>(6, 5, [.. Enumerable.Range(0, 30).Select(i => (BigInteger.One << (2 * i)) - (17 * i))]);
        var runs = RevealAssembler.Split(Id, share, blockBytes: 40).ToList();
        Assert.True(runs.Count > 4);
        var expected = Transcript.ShareDigest(share);

        var sink = new CountingSink(6, 5);
        var inOrder = new RevealAssembler(6, 5, ShareDomain.Integer, 80, sink);
        runs.ForEach(run => Assert.Null(inOrder.Add(run)));
        Assert.Equal(expected, inOrder.Digest());
        Assert.Null(inOrder.Share);
        Assert.Equal(share.Data, sink.Share.Data);
        Assert.Equal(0, sink.Reads);

        var shuffled = new RevealAssembler(6, 5, ShareDomain.Integer, 80, new CountingSink(6, 5));
        foreach (var run in runs.AsEnumerable().Reverse().Concat(runs.Take(2)))
        {
            Assert.Null(shuffled.Add(run));
        }

        Assert.Equal(expected, shuffled.Digest());

        var changed = new Matrix<BigInteger>(6, 5, [.. share.Data]);
        changed.Data[17] += 1;
        var altered = new RevealAssembler(6, 5, ShareDomain.Integer, 80);
        foreach (var run in RevealAssembler.Split(Id, changed, blockBytes: 40))
        {
            Assert.Null(altered.Add(run));
        }

        Assert.NotEqual(expected, altered.Digest());
        Assert.Throws<InvalidOperationException>(() => new RevealAssembler(6, 5, ShareDomain.Integer, 80).Digest());
    }

    [Fact]
    public void ASinkBackedAssemblerRefusesOutOfRangeOutOfDomainAndConflictingRuns()
    {
        var sink = new CountingSink(3, 4);
        var assembler = new RevealAssembler(3, 4, ShareDomain.Ring64, 70, sink);
        Assert.Null(assembler.Add(Run(2, [5, 6, 7])));
        Assert.Equal(AbortReason.PlanMismatch, assembler.Add(Run(10, [1, 2, 3]))?.Reason);
        Assert.Equal(AbortReason.PlanMismatch, assembler.Add(Run(0, [-1]))?.Reason);
        Assert.Equal(AbortReason.PlanMismatch, assembler.Add(Run(0, [BigInteger.One << 64]))?.Reason);

        // A repeat is compared with what the sink holds: identical entries are ignored, a changed one refused.
        Assert.Null(assembler.Add(Run(1, [9, 5, 6])));
        Assert.True(sink.Reads > 0);
        Assert.Equal(AbortReason.DuplicateMismatch, assembler.Add(Run(3, [6, 8]))?.Reason);
        Assert.Equal(new BigInteger[] { 0, 9, 5, 6, 7 }, sink.Share.Data[..5]);
        Assert.Equal(4, sink.Writes);
        Assert.False(assembler.Complete);
    }

    [Fact]
    public void AStreamedRevealIsCappedByTheRunIndexNotByTheInMemoryProductCap()
    {
        var limits = PartySettings.Defaults.Limits;

        // 2^15 x 2^14 = 2^29 entries: over the in-memory cap of 2^28, accepted when both shares stream.
        var (a, b) = Hellos(1 << 15, 1 << 14, Reveal.Both);
        Assert.Contains("entries", Assert.Throws<HandshakeException>(() => Handshake.Agree(a, b, 4, limits, 0)).Message, StringComparison.Ordinal);
        Assert.Equal((1 << 15, 1 << 14), Handshake.Agree(a, b, 4, limits.ForStreamedShares(reveal: true), 0).ProductShape);

        // 2^16 x 2^16 entries: beyond a revealed run's 32-bit index, so refused with a reveal, accepted without.
        var (wideA, wideB) = Hellos(1 << 16, 1 << 16, Reveal.Left);
        Assert.Throws<HandshakeException>(() => Handshake.Agree(wideA, wideB, 4, limits.ForStreamedShares(reveal: true), 0));
        var (plainA, plainB) = Hellos(1 << 16, 1 << 16, Reveal.None);
        Assert.Equal((1 << 16, 1 << 16), Handshake.Agree(plainA, plainB, 4, limits.ForStreamedShares(), 0).ProductShape);
    }

    private static (Hello Left, Hello Right) Hellos(int rows, int columns, Reveal reveal) =>
        (new Hello(Id, 4, OperandSide.Left, rows, 1, 16, 0, ShareDomain.Ring64, reveal, 2048, 40, RolePreference.Auto, "a"),
         new Hello(Id, 4, OperandSide.Right, 1, columns, 16, 0, ShareDomain.Ring64, reveal, 2048, 40, RolePreference.Auto, "b"));

    private static RevealedShare Run(int first, BigInteger[] values) => new(Id, first, values.Length, SignedIntegerCodec.Encode(values));

    /// <summary>A sink in memory that counts its writes and read-backs.</summary>
    private sealed class CountingSink(int rows, int columns) : IShareSink
    {
        private readonly MatrixShareSink inner = new(rows, columns);

        public Matrix<BigInteger> Share => inner.Share;

        public int Writes { get; private set; }

        public int Reads { get; private set; }

        public void Open(ShareLayout layout) => inner.Open(layout);

        public void Write(ShareRegion region)
        {
            Writes += region.Values.Length;
            inner.Write(region);
        }

        public BigInteger[] Read(long first, int count)
        {
            Reads++;
            return inner.Read(first, count);
        }
    }
}
