using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The session state machine driven message by message, with a TestProbe as the peer.</summary>
public sealed class SessionStateTests(RuntimeKeys keys) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public void ResponderAnswersHelloThenWaitsForTheKey()
    {
        var (session, job, probe) = Evaluator();
        var hello = probe.ExpectMsg<Hello>();
        Assert.Equal(id, hello.SessionId);
        Assert.Equal(OperandSide.Left, hello.Side);

        // Keys phase: a credit is out of order for an evaluator still waiting for the key.
        probe.Send(session, new Credit(id, 1));
        Assert.Equal(AbortReason.UnexpectedMessage, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void EvaluatorGrantsCreditOnAValidKeyAndDropsOtherSessions()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, new Credit(Guid.NewGuid(), 1));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, Key());
        Assert.Equal(new Credit(id, 2), probe.ExpectMsg<Credit>());
        Assert.False(job.Completion.Task.IsCompleted);
    }

    [Fact]
    public void InvalidKeyAbortsWithItsReason()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, ProbePeer.KeyMessage(id, keys.Right.PublicKey.N + 1, keys.Right.PublicKey.Hs));
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.InvalidKey, abort.Reason);
        Assert.Contains("modulus-odd", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.InvalidKey, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void IdenticalHelloIsIgnoredAndADifferentOneAborts()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, PeerHello());
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, PeerHello() with { Rows = 5 });
        Assert.Equal(AbortReason.DuplicateMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.DuplicateMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void BlockBeyondTheGrantedWindowAborts()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, Key());
        probe.ExpectMsg<Credit>();
        var plan = Handshake.Agree(PeerHello() with { Side = OperandSide.Left, Rows = 50, Columns = 60, Role = RolePreference.Evaluator }, PeerHello(), PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0).Plan;
        Assert.True(plan.EncryptBlocks > 2);
        var (first, count) = plan.EncryptBlock(2);
        var width = keys.Right.PublicKey.CiphertextBytes;
        probe.Send(session, new EncryptedBlock(id, 2, first, count, width, new byte[count * width]));
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.UnexpectedMessage, abort.Reason);
        Assert.Contains("window", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void BlockThatDoesNotMatchThePlanAborts()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, Key());
        probe.ExpectMsg<Credit>();
        probe.Send(session, new EncryptedBlock(id, 0, 1, 64, keys.Right.PublicKey.CiphertextBytes, new byte[64 * keys.Right.PublicKey.CiphertextBytes]));
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void EncryptorSendsKeyAndCreditThenRejectsOperandBlocksAndWrongDone()
    {
        var job = new SessionJob(TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Encryptor }, new MatrixRows(new Matrix<long>(50, 60)), null);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello() with { Side = OperandSide.Right, Rows = 60, Columns = 3, Role = RolePreference.Auto });
        probe.ExpectMsg<Hello>();
        var key = probe.ExpectMsg<KeyMessage>();
        Assert.Equal(keys.Left.PublicKey.ToBytes(), key.Key);
        Assert.Equal(id, probe.ExpectMsg<Credit>().SessionId);
        probe.Send(session, new Done(id, 12345, new byte[32]));
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void PeerAbortEndsTheSessionWithThePeersReason()
    {
        var (session, job, probe) = Evaluator();
        probe.ExpectMsg<Hello>();
        probe.Send(session, new Abort(id, AbortReason.Cancelled, "operator stopped"));
        var error = Assert.Throws<AggregateException>(() => job.Completion.Task.Wait(TimeSpan.FromSeconds(5))).InnerException as SessionAbortedException;
        Assert.NotNull(error);
        Assert.True(error.RaisedByPeer);
        Assert.Equal(AbortReason.Cancelled, error.Reason);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void SilentPeerTimesOut()
    {
        var job = new SessionJob(TwoParties.Settings(OperandSide.Left, keys.Left) with { Timeout = TimeSpan.FromMilliseconds(500) }, new MatrixRows(new Matrix<long>(50, 60)), null);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello());
        probe.ExpectMsg<Hello>();
        Assert.Equal(AbortReason.Timeout, probe.ExpectMsg<Abort>(TimeSpan.FromSeconds(5)).Reason);
        Assert.Equal(AbortReason.Timeout, ProbePeer.AbortReasonOf(job));
    }

    private (IActorRef Session, SessionJob Job, Akka.TestKit.TestProbe Probe) Evaluator()
    {
        var settings = TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Evaluator };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(50, 60)), null);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello());
        return (session, job, probe);
    }

    private Hello PeerHello() => new(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 60, 3, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "probe");

    private KeyMessage Key() => ProbePeer.KeyMessage(id, keys.Right);
}

public sealed class HandshakeTests
{
    private static readonly Guid Id = Guid.NewGuid();

    private static Hello Left => new(Id, 1, OperandSide.Left, 4, 3, 16, 0, ShareDomain.Ring64, Reveal.None, 2048, 40, RolePreference.Auto, "a");

    private static Hello Right => Left with { Side = OperandSide.Right, Rows = 3, Columns = 2, PartyName = "b" };

    [Fact]
    public void AgreesOnTheSmallerMatrixAndOnePlan()
    {
        var fromLeft = Handshake.Agree(Left, Right, 1, TwoParties.TestLimits, 0);
        var fromRight = Handshake.Agree(Right, Left, 1, TwoParties.TestLimits, 0);
        Assert.Equal(OperandSide.Right, fromLeft.Encryptor);
        Assert.Equal(fromLeft.Plan, fromRight.Plan);
    }

    [Theory]
    [InlineData(0, 3, 0, 2048)]
    [InlineData(1 << 25, 3, 0, 2048)]
    [InlineData(4, 3, 16, 2048)]
    [InlineData(4, 3, -1, 2048)]
    [InlineData(4, 3, 0, 100_000)]
    public void InvalidHellosAreIncompatible(int rows, int columns, int fractionBits, int keyBits)
    {
        var bad = Left with { Rows = rows, Columns = columns, FractionBits = fractionBits, KeyBits = keyBits };
        var error = Assert.Throws<HandshakeException>(() => Handshake.Agree(Right, bad, 1, TwoParties.TestLimits, 0));
        Assert.Equal(AbortReason.Incompatible, error.Reason);
        Assert.Contains("a's hello is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProductTooLargeForOneSessionIsRefused()
    {
        var tall = Left with { Rows = 1 << 24, Columns = 3 };
        var wide = Right with { Columns = 1 << 5 };
        Assert.Equal(AbortReason.Incompatible, Assert.Throws<HandshakeException>(() => Handshake.Agree(tall, wide, 1, TwoParties.TestLimits, 0)).Reason);
    }
}
