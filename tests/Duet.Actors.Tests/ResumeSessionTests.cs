using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>
/// A resumed session on two real parties: each resumes from what its journal committed in a first run (different
/// sets on the two sides), skips exactly the intersection, computes every other tile again into its partial share,
/// closes with a matching transcript, and the two shares add up to the product.
/// </summary>
public sealed class ResumeSessionTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    [Fact]
    public async Task Each_side_skips_the_tiles_both_committed_and_computes_the_rest_again()
    {
        var random = new Random(21);
        var left = TwoParties.Random(random, 200, 4, 16);
        var right = TwoParties.Random(random, 4, 3, 16);
        var (sinkA, sinkB) = (new PartialSink(), new PartialSink());
        var (journalA, journalB) = (new MemoryJournal(), new MemoryJournal());
        var (first, _) = await Run(left, sinkA, journalA, right, sinkB, journalB, null, null);
        var tiles = first.Statistics.Plan.Tiles;
        Assert.InRange(tiles, 6, 100);
        Assert.Equal(tiles, journalA.Tiles.Count);
        Assert.NotNull(journalB.Start!.Key); // the encryptor (the smaller matrix) journals its key
        Assert.Null(journalA.Start!.Key);

        // As if the run had stopped with A's journal holding tiles [0, 5) and B's [2, 7): both skip [2, 5).
        var resumeA = SessionResume.Decode(journalA.Start.State, journalA.Tiles.Where(c => c.Key < 5).ToDictionary());
        var resumeB = SessionResume.Decode(journalB.Start!.State, journalB.Tiles.Where(c => c.Key is >= 2 and < 7).ToDictionary());
        var (againA, againB) = (new MemoryJournal(), new MemoryJournal());

        var (a, b) = await Run(left, sinkA, againA, right, sinkB, againB, resumeA, resumeB);

        Assert.Equal(first.Statistics.SessionId, a.Statistics.SessionId);
        Assert.Equal([2, 3, 4], againA.Skipped!.Tiles());
        Assert.Equal(againA.Skipped, againB.Skipped);
        Assert.Null(againA.Start);
        foreach (var (result, journal) in new[] { (a, againA), (b, againB) })
        {
            Assert.Equal((3, tiles - 3L), (result.Statistics.ResumedTiles, result.Statistics.ResultTiles));
            Assert.Equal(Enumerable.Range(0, tiles).Except([2, 3, 4]), journal.Tiles.Keys.Order());
        }

        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(sinkA.Share!, sinkB.Share!, ShareDomain.Ring64).Data);
    }

    private async Task<(PartyResult Left, PartyResult Right)> Run(
        Matrix<long> left, PartialSink sinkA, MemoryJournal journalA, Matrix<long> right, PartialSink sinkB, MemoryJournal journalB, SessionResume? resumeA, SessionResume? resumeB)
    {
        var port = TwoParties.FreePort();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listening = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Resume = resumeA }, left, new PartyEndpoint("127.0.0.1", port), null, cts.Token, TwoParties.SerializeAll, shareSink: sinkA, journal: journalA);
        var calling = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { Resume = resumeB }, right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, cts.Token, TwoParties.SerializeAll, shareSink: sinkB, journal: journalB);
        return (await listening, await calling);
    }

    /// <summary>A partial share kept across runs: a resumed run writes over it.</summary>
    private sealed class PartialSink : IShareSink
    {
        public Matrix<BigInteger>? Share { get; private set; }

        public void Open(ShareLayout layout) => Share ??= new Matrix<BigInteger>(layout.Rows, layout.Columns);

        public void Write(ShareRegion region)
        {
            for (var r = 0; r < region.Rows; r++)
            {
                for (var c = 0; c < region.Columns; c++)
                {
                    Share!.Data[((region.FirstRow + r) * Share.Columns) + region.FirstColumn + c] = region.Values[(r * region.Columns) + c];
                }
            }
        }

        public BigInteger[] Read(long first, int count) => Share!.Data.AsSpan((int)first, count).ToArray();
    }

    private sealed class MemoryJournal : ISessionJournal
    {
        public JournalStart? Start { get; private set; }

        public TileRanges? Skipped { get; private set; }

        public Dictionary<int, byte[]> Tiles { get; } = [];

        public void Begin(JournalStart start) => Start = start;

        public void Resumed(TileRanges skipped) => Skipped = skipped;

        public void Committed(int tile, byte[] digest) => Tiles.Add(tile, digest); // a tile committed twice throws
    }
}
