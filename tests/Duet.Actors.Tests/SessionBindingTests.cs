using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>Runs alone: one test measures the process's allocations.</summary>
[CollectionDefinition(nameof(SessionBindingTests), DisableParallelization = true)]
public sealed class SessionBindingCollection;

/// <summary>Every message is bound to its session and its peer (docs/protocol.md §10), and a hello is checked against
/// this party's limits before anything is allocated (§9).</summary>
[Collection(nameof(SessionBindingTests))]
public sealed class SessionBindingTests(RuntimeKeys keys) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public async Task MessagesOfTheSessionFromAnotherSenderAreDroppedAndTheSessionCompletesExactly()
    {
        var x = new Matrix<long>(6, 4, [.. Enumerable.Range(1, 24).Select(v => (long)v)]);
        var job = new SessionJob(TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Evaluator, Domain = ShareDomain.Integer }, new MatrixRows(x), null);
        var peer = CreateTestProbe();
        var stranger = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        peer.Send(session, PeerHello());
        var sessionHello = peer.ExpectMsg<Hello>();

        // A stranger who knows the session id: a hello, a key, credit, a block, a Done and an Abort, all dropped.
        stranger.Send(session, PeerHello() with { PartyName = "stranger" });
        stranger.Send(session, Key());
        stranger.Send(session, new Credit(id, 1000));
        stranger.Send(session, new EncryptedBlock(id, 0, 0, 1, 8, new byte[8]));
        stranger.Send(session, new Done(id, 0, new byte[Done.DigestBytes]));
        stranger.Send(session, new Abort(id, AbortReason.Cancelled, "forged"));
        stranger.Send(session, new Confirm(id));
        stranger.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(job.Completion.Task.IsCompleted);

        // The real peer plays the encryptor to the end; the evaluator's share plus the decrypted one is X·Y.
        var y = new Matrix<long>(4, 3, [.. Enumerable.Range(0, 12).Select(v => (long)(v - 5))]);
        var plan = (PackingPlan)Handshake.Agree(PeerHello() with { Side = OperandSide.Left, Rows = 6, Columns = 4, Role = RolePreference.Evaluator }, PeerHello(), PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0).Plan;
        peer.Send(session, Key());
        var sent = ProbePeer.SendOperand(id, session, peer, plan, y, keys.Right);

        peer.Send(session, new Credit(id, plan.Tiles));
        var share = new Matrix<System.Numerics.BigInteger>(plan.Rows, plan.Columns);
        var decryptor = new PaillierDecryptor(keys.Right);
        var received = new Duet.Actors.State.BlockLedger(plan.Tiles);
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            var result = peer.ExpectMsg<ResultBlock>(TimeSpan.FromSeconds(20));
            received.Record(result.BlockIndex, result.Ciphertexts, result.Count);
            PaillierDecryptKernel.DecryptBlock(plan, decryptor, result.Ciphertexts, result.FirstIndex, result.Count, share);
        }

        // The session's Done carries the digest of the whole transcript; the peer's must equal it, and the session
        // completes only after the peer confirmed.
        var agreement = Handshake.Agree(PeerHello(), sessionHello, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0);
        var digest = Duet.Actors.State.Transcript.Digest(agreement, Duet.Actors.State.Transcript.KeyDigest(keys.Right.PublicKey.ToBytes()), sent, received, null, null);
        var done = peer.ExpectMsg<Done>();
        Assert.Equal(digest, done.Digest);
        stranger.Send(session, new Confirm(id));
        peer.Send(session, new Done(id, received.Ciphertexts, digest));
        peer.ExpectMsg<Confirm>();
        await Task.Delay(300);
        Assert.False(job.Completion.Task.IsCompleted, "the session completed before its peer confirmed");
        peer.Send(session, new Confirm(id));
        var outcome = await job.Completion.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(outcome.Share!, share, ShareDomain.Integer).Data);
    }

    [Theory]
    [InlineData(10000, 1 << 24, 3072, "entries")]
    [InlineData(10000, 16, 16384, "16384-bit key")]
    [InlineData(10000, 1 << 25, 2048, "outside 1..")]
    public void AHugeHelloIsRefusedAtTheHandshakeWithoutAllocating(int rows, int columns, int keyBits, string expected)
    {
        // A 16x10000 evaluator, as in the issue that found int counts overflowing.
        var settings = TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Evaluator };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(16, rows)), null);
        var peer = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        peer.Send(session, PeerHello() with { Rows = rows, Columns = columns, KeyBits = keyBits });

        var abort = peer.ExpectMsg<Abort>(TimeSpan.FromSeconds(10));
        Assert.Equal(AbortReason.Incompatible, abort.Reason);
        Assert.Contains(expected, abort.Text, StringComparison.Ordinal);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 32L << 20, $"{allocated} bytes allocated while refusing the hello");
        Assert.True(Process.GetCurrentProcess().WorkingSet64 < 2L << 30);

        // The listener refused the caller's hello without answering with its own.
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void MinKeyBitsBelow2048IsAConfigurationError()
    {
        var error = Assert.Throws<ArgumentException>(() => (PartySettings.Defaults with { MinKeyBits = 1024 }).Validate());
        Assert.Contains("min-key-bits", error.Message, StringComparison.Ordinal);
    }

    private Hello PeerHello() => new(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 4, 3, 16, 0, ShareDomain.Integer, Reveal.None, 1024, 40, RolePreference.Auto, "peer");

    private KeyMessage Key() => ProbePeer.KeyMessage(id, keys.Right);
}
