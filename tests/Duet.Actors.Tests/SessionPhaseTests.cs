using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>Every phase of the session sends a message it does not expect to the one place that aborts with
/// UnexpectedMessage; and an abort during the evaluation-table build frees nothing the build still uses.</summary>
public sealed class SessionPhaseTests(RuntimeKeys keys) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public void HandshakingDropsACreditBeforeAnyHelloAndThenRefusesOneFromThePeer()
    {
        // Before a hello nobody is the peer: the credit is dropped, never a reason to abort (docs/protocol.md §10).
        var job = Job(RolePreference.Auto);
        var session = Sys.ActorOf(Session.Props(job, id, null));
        session.Tell(new Credit(id, 1), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.False(job.Completion.Task.IsCompleted);
        Sys.Stop(session);
    }

    [Fact]
    public void EncryptorStreamingRefusesAnEncryptedBlock()
    {
        var (session, job, probe) = Start(RolePreference.Encryptor);
        probe.ExpectMsg<KeyMessage>();
        probe.ExpectMsg<Credit>();
        probe.Send(session, new EncryptedBlock(id, 0, 0, 1, 8, new byte[8]));
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.UnexpectedMessage, abort.Reason);
        Assert.Contains("while streaming", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void EvaluatorStreamingRefusesAResultBlockAndTileResultsFromThePeer()
    {
        var (session, job, probe) = Start(RolePreference.Evaluator);
        probe.Send(session, Key());
        probe.ExpectMsg<Credit>();
        probe.Send(session, new EvaluateResult(id, 0, 1, new byte[8], 0, 0, 3, new System.Numerics.BigInteger[3]));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Send(session, new ResultBlock(id, 0, 0, 1, 8, new byte[8]));
        Assert.Equal(AbortReason.UnexpectedMessage, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void FinishingRefusesASecondPublicKeyAndEndedIgnoresEverything()
    {
        var (session, job, probe) = Start(RolePreference.Evaluator);
        probe.Send(session, Key());
        var plan = SendOperand(session, probe);
        probe.Send(session, new Credit(id, plan.Tiles));
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            probe.ExpectMsg<ResultBlock>(TimeSpan.FromSeconds(20));
        }

        probe.ExpectMsg<Done>();
        probe.Send(session, Key());
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.UnexpectedMessage, abort.Reason);
        Assert.Contains("while finishing", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));

        probe.Send(session, Key());
        probe.Send(session, new Credit(id, 1));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void AbortDuringTheTableBuildDisposesTheOperandOnlyAfterTheBuild()
    {
        using var building = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        var settings = TwoParties.Settings(OperandSide.Left, keys.Left) with
        {
            Role = RolePreference.Evaluator,
            BeforeTableBuild = () =>
            {
                building.Set();
                proceed.Wait(TimeSpan.FromSeconds(30));
            },
        };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(50, 40)), null);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello());
        probe.ExpectMsg<Hello>();
        var context = TileContexts.For(Sys).Find(id);
        Assert.NotNull(context);
        probe.Send(session, Key());
        SendOperand(session, probe);
        Assert.True(building.Wait(TimeSpan.FromSeconds(10)), "the table build did not start");

        probe.Send(session, new Abort(id, AbortReason.Cancelled, "stop"));
        var error = Assert.Throws<AggregateException>(() => job.Completion.Task.Wait(TimeSpan.FromSeconds(5))).InnerException;
        Assert.Equal(AbortReason.Cancelled, Assert.IsType<SessionAbortedException>(error).Reason);
        Assert.Null(TileContexts.For(Sys).Find(id));
        Assert.False(context.IsDisposed, "the operand was disposed under the running table build");

        proceed.Set();
        AwaitCondition(() => context.IsDisposed, TimeSpan.FromSeconds(20));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Plays the encryptor: sends Y (zeros, really encrypted) block by block within the granted credit.</summary>
    private PackingPlan SendOperand(IActorRef session, Akka.TestKit.TestProbe probe)
    {
        var plan = (PackingPlan)Handshake.Agree(PeerHello() with { Side = OperandSide.Left, Rows = 50, Columns = 40, Role = RolePreference.Evaluator }, PeerHello(), PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0).Plan;
        ProbePeer.SendOperand(id, session, probe, plan, new Matrix<long>(40, 3), keys.Right);
        return plan;
    }

    private (IActorRef Session, SessionJob Job, Akka.TestKit.TestProbe Probe) Start(RolePreference role)
    {
        var job = Job(role);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello());
        probe.ExpectMsg<Hello>();
        return (session, job, probe);
    }

    private SessionJob Job(RolePreference role) =>
        new(TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = role }, new MatrixRows(new Matrix<long>(50, 40)), null);

    private Hello PeerHello() => new(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 40, 3, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "probe");

    private KeyMessage Key() => ProbePeer.KeyMessage(id, keys.Right);
}
