using Duet.Actors.Protocol;
using Duet.Crypto.Schemes;
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
    [Theory]
    [InlineData(Scheme.Paillier)]
    [InlineData(Scheme.Bfv)]
    public async Task Each_side_skips_the_tiles_both_committed_and_computes_the_rest_again(Scheme scheme)
    {
        var random = new Random(21);
        var (left, right) = scheme == Scheme.Bfv
            ? (TwoParties.Random(random, 4000, 64, 16), TwoParties.Random(random, 64, 4, 16))
            : (TwoParties.Random(random, 200, 4, 16), TwoParties.Random(random, 4, 3, 16));
        var (sinkA, sinkB) = (new PartialSink(), new PartialSink());
        var (journalA, journalB) = (new MemoryJournal(), new MemoryJournal());
        var (first, _) = await ResumeParties.Run(keys, left, sinkA, journalA, right, sinkB, journalB, null, null, scheme: scheme);
        var tiles = first.Statistics.Plan.Tiles;
        Assert.Equal(scheme, first.Statistics.Plan.Scheme);
        Assert.InRange(tiles, 6, 200);
        Assert.Equal(tiles, journalA.Tiles.Count);
        Assert.NotEmpty(journalB.Start!.Secret); // the encryptor (the smaller matrix) journals its key
        Assert.Empty(journalA.Start!.Secret);

        // As if the run had stopped with A's journal holding tiles [0, 5) and B's [2, 7): both skip [2, 5).
        var resumeA = journalA.Resume(t => t < 5);
        var resumeB = journalB.Resume(t => t is >= 2 and < 7);
        var (againA, againB) = (new MemoryJournal(), new MemoryJournal());

        var (a, b) = await ResumeParties.Run(keys, left, sinkA, againA, right, sinkB, againB, resumeA, resumeB, scheme: scheme);

        Assert.Equal(first.Statistics.SessionId, a.Statistics.SessionId);
        Assert.Equal([2, 3, 4], againA.Skipped!.Tiles());
        Assert.Equal(againA.Skipped, againB.Skipped);
        Assert.Null(againA.Start);
        Assert.Null(againA.Operand); // checked against the journaled one, not journaled again
        foreach (var (result, journal) in new[] { (a, againA), (b, againB) })
        {
            Assert.Equal((3, tiles - 3L), (result.Statistics.ResumedTiles, result.Statistics.ResultTiles));
            Assert.Equal(Enumerable.Range(0, tiles).Except([2, 3, 4]), journal.Tiles.Keys.Order());
        }

        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(sinkA.Share!, sinkB.Share!, ShareDomain.Ring64).Data);
    }
}
