using System.Numerics;
using System.Security.Cryptography;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The session's bookkeeping objects on their own, without actors.</summary>
public sealed class StateTests
{
    private static readonly Guid Id = Guid.NewGuid();

    [Fact]
    public void OutgoingWindowStartsOnlyWhatTheCreditAllowsAndRefusesCreditGoingBack()
    {
        var window = new OutgoingWindow(blocks: 5, window: 2);
        Assert.False(window.TryStart(out _));
        Assert.True(window.Grant(2));
        Assert.Equal([0, 1], StartAll(window));
        window.MarkSent();
        window.MarkSent();
        Assert.Equal(2, window.MaxInFlight);
        Assert.True(window.Grant(7));
        Assert.Equal([2, 3, 4], StartAll(window));
        Assert.False(window.Grant(6));
        Assert.Equal(7, window.Granted);
        for (var i = 0; i < 3; i++)
        {
            window.MarkSent();
        }

        Assert.True(window.Complete);
        Assert.Equal(2, window.MaxInFlight);
    }

    [Fact]
    public void OutgoingWindowCountsBlocksSentBeyondTheAcknowledgedOnes()
    {
        // Credit 4 with a window of 2 acknowledges 2 blocks; sending 4 leaves 2 in flight, a third unacknowledged
        // block would be 3.
        var window = new OutgoingWindow(blocks: 10, window: 2);
        window.Grant(4);
        for (var i = 0; i < 4; i++)
        {
            window.MarkSent();
        }

        Assert.Equal(2, window.MaxInFlight);
        window.MarkSent();
        Assert.Equal(3, window.MaxInFlight);
    }

    [Fact]
    public void IncomingWindowGrantsProcessedPlusWindowUpToTheLastBlock()
    {
        var window = new IncomingWindow(blocks: 4, window: 3);
        Assert.Equal(3, window.Grant());
        Assert.Null(window.Grant());
        Assert.True(window.Allows(2));
        Assert.False(window.Allows(3));
        Assert.Equal(4, window.MarkProcessed());
        Assert.Null(window.MarkProcessed());
        Assert.Null(window.MarkProcessed());
        Assert.False(window.Complete);
        Assert.Null(window.MarkProcessed());
        Assert.True(window.Complete);
        Assert.Equal(4, window.Granted);
    }

    [Fact]
    public void LedgerTellsNewDuplicateAndConflictingBlocksApart()
    {
        var ledger = new BlockLedger(3);
        byte[] block = [1, 2, 3, 4];
        Assert.Equal(BlockArrival.New, ledger.Inspect(1, block, out var digest));
        Assert.Equal(SHA256.HashData(block), digest);
        ledger.RecordDigest(1, digest, 2);
        Assert.Equal(BlockArrival.Duplicate, ledger.Inspect(1, [1, 2, 3, 4], out _));
        Assert.Equal(BlockArrival.Conflict, ledger.Inspect(1, [1, 2, 3, 5], out _));
        Assert.Throws<InvalidOperationException>(() => ledger.RecordDigest(1, digest, 2));
        Assert.Equal((1, 2L), (ledger.Recorded, ledger.Ciphertexts));
    }

    [Fact]
    public void TranscriptIsTheDigestOfTheBlockDigestsInBlockOrder()
    {
        byte[][] blocks = [[1, 1], [2, 2, 2], [3]];
        var sent = new BlockLedger(3);
        var received = new BlockLedger(3);
        foreach (var i in new[] { 2, 0, 1 })
        {
            sent.Record(i, blocks[i], i + 1);
        }

        for (var i = 0; i < 3; i++)
        {
            received.Record(i, blocks[i], i + 1);
        }

        var expected = SHA256.HashData([.. blocks.SelectMany(b => SHA256.HashData(b))]);
        Assert.Equal(expected, sent.Transcript());
        Assert.Equal(expected, received.Transcript());
        Assert.Equal((6L, 6L), (sent.Ciphertexts, received.Ciphertexts));
    }

    [Fact]
    public void TranscriptOfAnIncompleteLedgerDiffersFromTheCompleteOne()
    {
        var partial = new BlockLedger(2);
        var complete = new BlockLedger(2);
        partial.Record(0, [7], 1);
        complete.Record(0, [7], 1);
        complete.Record(1, [8], 1);
        Assert.NotEqual(partial.Transcript(), complete.Transcript());
    }

    [Fact]
    public void RevealAssemblerCollectsRunsIgnoresIdenticalRepeatsAndRefusesOthers()
    {
        // Values of 2^80 − i take 2 + 11 bytes each: runs of 4 values under 52 bytes, the last one shorter.
        var share = new Matrix<BigInteger>(5, 2, [.. Enumerable.Range(0, 10).Select(i => (BigInteger.One << 80) - i)]);
        var messages = RevealAssembler.Split(Id, share, blockBytes: 52).ToList();
        Assert.Equal([0, 4, 8], messages.Select(m => m.First));
        Assert.Equal([4, 4, 2], messages.Select(m => m.Count));
        Assert.All(messages, m => Assert.True(m.Values.Length <= 52));

        var assembler = new RevealAssembler(5, 2, ShareDomain.Integer, 90);
        Assert.Null(assembler.Add(messages[2]));
        Assert.Null(assembler.Add(messages[0]));
        Assert.Null(assembler.Add(messages[0]));
        Assert.False(assembler.Complete);
        var altered = messages[1] with { Values = SignedIntegerCodec.Encode([BigInteger.One, 2, 3, 4]) };
        Assert.Equal(AbortReason.DuplicateMismatch, assembler.Add(messages[0] with { First = 1, Count = 1, Values = SignedIntegerCodec.Encode([BigInteger.One]) })?.Reason);
        Assert.Null(assembler.Add(messages[1]));
        Assert.Equal(AbortReason.DuplicateMismatch, assembler.Add(altered)?.Reason);
        Assert.True(assembler.Complete);
        Assert.Equal(share.Data, assembler.Share!.Data);
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(-1, 2)]
    [InlineData(0, 0)]
    [InlineData(5, 4)]
    [InlineData(int.MaxValue, 1)]
    public void RevealAssemblerRefusesEntriesOutsideTheProduct(int first, int count)
    {
        var assembler = new RevealAssembler(4, 2, ShareDomain.Integer, 90);
        var values = SignedIntegerCodec.Encode(new BigInteger[Math.Max(0, count)]);
        Assert.Equal(AbortReason.PlanMismatch, assembler.Add(new RevealedShare(Id, first, count, values))?.Reason);
    }

    [Fact]
    public void ASplitRowOfAWideProductIsReassembledExactly()
    {
        // One row of 50000 ring64-sized values (~9 bytes each) in runs of at most 64 KiB: the row spans several runs.
        var share = new Matrix<BigInteger>(2, 50_000, [.. Enumerable.Range(0, 100_000).Select(i => (BigInteger)ulong.MaxValue - (ulong)i)]);
        var messages = RevealAssembler.Split(Id, share, blockBytes: 64 << 10).ToList();
        Assert.True(messages.Count > 2);
        Assert.All(messages, m => Assert.True(m.Values.Length <= 64 << 10));
        var assembler = new RevealAssembler(2, 50_000, ShareDomain.Ring64, 70);
        foreach (var message in Enumerable.Reverse(messages))
        {
            Assert.Null(assembler.Add(message));
        }

        Assert.True(assembler.Complete);
        Assert.Equal(share.Data, assembler.Share!.Data);
    }

    [Theory]
    [InlineData(ShareDomain.Ring64, "18446744073709551615", true)]
    [InlineData(ShareDomain.Ring64, "18446744073709551616", false)]
    [InlineData(ShareDomain.Ring64, "-1", false)]
    [InlineData(ShareDomain.Integer, "-1099511627775", true)]
    [InlineData(ShareDomain.Integer, "1099511627776", false)]
    [InlineData(ShareDomain.Integer, "-1099511627776", false)]
    public void RevealAssemblerChecksEveryValueAgainstItsDomain(ShareDomain domain, string value, bool accepted)
    {
        // Integer shares are bounded by the slot width, here 40 bits: |v| < 2^40 = 1099511627776.
        var assembler = new RevealAssembler(1, 2, domain, 40);
        var values = SignedIntegerCodec.Encode([BigInteger.Zero, BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture)]);
        var problem = assembler.Add(new RevealedShare(Id, 0, 2, values));
        Assert.Equal(accepted, problem is null);
        Assert.Equal(accepted, assembler.Complete);
    }

    [Fact]
    public void RevealAssemblerRefusesMalformedValues()
    {
        var assembler = new RevealAssembler(1, 2, ShareDomain.Integer, 90);
        Assert.Equal(AbortReason.UnexpectedMessage, assembler.Add(new RevealedShare(Id, 0, 2, [1, 0]))?.Reason);
    }

    [Fact]
    public void StatisticsTurnPhaseEndsIntoDurationsAndCountRetries()
    {
        var statistics = new SessionStatistics();
        statistics.Ended(SessionPhase.Handshake, TimeSpan.FromSeconds(1));
        statistics.Ended(SessionPhase.Keys, TimeSpan.FromSeconds(3));
        statistics.Ended(SessionPhase.Streaming, TimeSpan.FromSeconds(10));
        statistics.Sent(100);
        statistics.Sent(20);
        statistics.Received(7);
        statistics.TileSucceeded(1);
        statistics.TileSucceeded(3);
        var plan = PackingPlan.Create(4, 3, 2, 16, 16, 1024);
        var summary = statistics.Summary(new SummaryFacts(Id, true, OperandSide.Right, plan, "managed", null, 5, 6, 2, new KernelSeconds(1, 2, 0, 0, 0)), TimeSpan.FromSeconds(12));
        Assert.Equal(2, summary.Cpu.Main(isEncryptor: true));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(2)), (summary.Handshake, summary.Keys, summary.Streaming, summary.Finishing));
        Assert.Equal((120L, 7L, 2), (summary.BytesSent, summary.BytesReceived, summary.TilesRetried));
        Assert.Equal((5L, 6L, 2, OperandSide.Right, true), (summary.CiphertextsSent, summary.CiphertextsReceived, summary.MaxInFlight, summary.Encryptor, summary.IsEncryptor));
        Assert.Equal(TimeSpan.FromSeconds(12), summary.Total);
        Assert.Null(summary.Evaluation);

        // The evaluator's evaluation phase runs from its kit being ready to its last result sent.
        statistics.Ended(SessionPhase.EvaluationReady, TimeSpan.FromSeconds(4.5));
        var evaluator = statistics.Summary(new SummaryFacts(Id, false, OperandSide.Right, plan, "managed", null, 5, 6, 2, new KernelSeconds(1, 2, 0, 0, 0)), TimeSpan.FromSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(5.5), evaluator.Evaluation);
    }

    private static List<int> StartAll(OutgoingWindow window)
    {
        var started = new List<int>();
        while (window.TryStart(out var block))
        {
            started.Add(block);
        }

        return started;
    }
}
