using System.Numerics;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.State;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>A streamed session that the product is revealed to hashes the peer's share as its runs arrive into the
/// host's sink: an honest peer's Done matches (runs in order or not) and the session confirms; a peer whose runs
/// carry one value other than the share its Done digests fails the transcript check.</summary>
public sealed class RevealTranscriptTests(RuntimeKeys keys) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>
{
    private readonly Guid id = SessionIds.NewRandom();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task TheRevealedShareIsInTheTranscript(bool reversed, bool tampered)
    {
        var (own, peerSink) = (new MatrixShareSink(50, 3), new MatrixShareSink(50, 3));
        var settings = TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Evaluator, Reveal = Reveal.Left, BlockBytes = 64 };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(50, 40)), null, sink: own, peerSink: peerSink);
        var (probe, session, agreement, sent, received) = EvaluateAll(job);
        var plan = (PackingPlan)agreement.Plan;

        // The probe's share, revealed in runs of at most 64 bytes; its Done digests the share it claims.
        var random = new Random(7);
        var share = new Matrix<BigInteger>(50, 3, [.. Enumerable.Range(0, 150).Select(_ => (BigInteger)(ulong)random.NextInt64())]);
        var runs = RevealAssembler.Split(id, share, 64).ToList();
        if (tampered)
        {
            var values = SignedIntegerCodec.Decode(runs[3].Values, runs[3].Count);
            values[1] += 1;
            runs[3] = runs[3] with { Values = SignedIntegerCodec.Encode(values) };
        }

        // Each run accepted grants the sender one more (RevealCredit, cumulative, the window ahead).
        var accepted = 0;
        foreach (var run in reversed ? Enumerable.Reverse(runs) : runs)
        {
            probe.Send(session, run);
            Assert.Equal(new RevealCredit(id, ++accepted + settings.Window), probe.ExpectMsg<RevealCredit>(TimeSpan.FromSeconds(5)));
        }

        var digest = Transcript.Digest(agreement, Transcript.KeyDigest(keys.Right.PublicKey.ToBytes()), sent, received, null, Transcript.ShareDigest(share));
        var done = probe.ExpectMsg<Done>(TimeSpan.FromSeconds(10));
        Assert.Equal(!tampered, done.Digest.AsSpan().SequenceEqual(digest));
        probe.Send(session, new Done(id, plan.ResultCount, digest));
        if (tampered)
        {
            Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
            Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
            return;
        }

        probe.ExpectMsg<Confirm>();
        probe.Send(session, new Confirm(id));
        var result = await job.Completion.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(result.Product);
        Assert.Equal(share.Data, peerSink.Share.Data);
    }

    [Fact]
    public void ARevealedShareGoesNoFurtherThanTheReceiversGrant()
    {
        var own = new MatrixShareSink(50, 3);
        var settings = TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Evaluator, Reveal = Reveal.Right, BlockBytes = 64, Window = 3 };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(50, 40)), null, sink: own);
        var (probe, session, _, _, _) = EvaluateAll(job);

        // The first window of runs goes at once; then nothing until the receiver grants more, and no more than it grants.
        var runs = RevealAssembler.Split(id, own.Share, 64).ToList();
        Assert.True(runs.Count > 8, $"{runs.Count} runs");
        var got = Enumerable.Range(0, 3).Select(_ => probe.ExpectMsg<RevealedShare>(TimeSpan.FromSeconds(10))).ToList();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, new RevealCredit(id, 5));
        got.AddRange(Enumerable.Range(0, 2).Select(_ => probe.ExpectMsg<RevealedShare>()));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, new RevealCredit(id, 4)); // a grant that does not grow changes nothing
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, new RevealCredit(id, runs.Count + 3));
        got.AddRange(Enumerable.Range(5, runs.Count - 5).Select(_ => probe.ExpectMsg<RevealedShare>()));
        Assert.Equal(runs, got);
        probe.ExpectMsg<Done>(TimeSpan.FromSeconds(10));
    }

    /// <summary>The session (left, evaluator, 50x40) against a probe peer (right, 40x3, encryptor) up to its last result
    /// block: the agreement, and the ledgers of the blocks the probe sent and received.</summary>
    private (TestProbe Probe, IActorRef Session, Agreement Agreement, BlockLedger Sent, BlockLedger Received) EvaluateAll(SessionJob job)
    {
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        var peerHello = new Hello(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 40, 3, 16, 0, ShareDomain.Ring64, job.Settings.Reveal, 1024, 40, RolePreference.Auto, "probe");
        probe.Send(session, peerHello);
        var agreement = Handshake.Agree(peerHello, probe.ExpectMsg<Hello>(), PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0);
        var plan = (PackingPlan)agreement.Plan;
        probe.Send(session, ProbePeer.KeyMessage(id, keys.Right));
        var sent = ProbePeer.SendOperand(id, session, probe, plan, new Matrix<long>(40, 3), keys.Right);
        probe.Send(session, new Credit(id, plan.Tiles));
        var received = new BlockLedger(plan.Tiles);
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            var block = probe.ExpectMsg<ResultBlock>(TimeSpan.FromSeconds(20));
            received.Record(block.BlockIndex, block.Ciphertexts, block.Count);
        }

        return (probe, session, agreement, sent, received);
    }
}
