using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>A BFV evaluator's session against a probe that plays the encryptor: what it receives is checked
/// against the plan both derived from the hellos, and every violation is a typed abort.</summary>
public sealed class LatticeSessionTests() : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults))
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public void AKeyForOtherParametersThanThePlanIsAPlanMismatch()
    {
        var (session, job, probe, parameters) = Start();
        var key = KeyMessage(parameters);
        probe.Send(session, key with { Degree = parameters.Degree / 2 });
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void AKeyCoefficientAboveItsPrimeIsAnInvalidKey()
    {
        var (session, job, probe, parameters) = Start();
        var key = KeyMessage(parameters);
        key.Key.AsSpan(32, 8).Fill(0xFF);
        probe.Send(session, key);
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.InvalidKey, abort.Reason);
        Assert.Contains("key-range", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.InvalidKey, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void APaillierKeyInABfvSessionIsUnexpected()
    {
        var (session, job, probe, _) = Start();
        probe.Send(session, new PublicKeyMessage(id, [0x0B], [0x02], 0));
        Assert.Equal(AbortReason.UnexpectedMessage, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.UnexpectedMessage, ProbePeer.AbortReasonOf(job));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public void ABlockOfAnotherWidthOrSchemeIsRefused(int extraBytes, bool paillierBlock)
    {
        var (session, job, probe, parameters) = Start();
        probe.Send(session, KeyMessage(parameters));
        probe.ExpectMsg<Credit>();
        var width = parameters.SeededCiphertextBytes + extraBytes;
        probe.Send(session, paillierBlock
            ? new EncryptedBlock(id, 0, 0, 1, 8, new byte[8])
            : new LatticeEncryptedBlock(id, 0, 0, 1, width, new byte[width]));
        var expected = paillierBlock ? AbortReason.UnexpectedMessage : AbortReason.PlanMismatch;
        Assert.Equal(expected, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(expected, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void ADifferentRepeatOfABlockIsADuplicateMismatch()
    {
        var (session, job, probe, parameters) = Start();
        probe.Send(session, KeyMessage(parameters));
        probe.ExpectMsg<Credit>();
        var keys = new BfvKeyGenerator(parameters);
        var encryptor = new BfvEncryptor(keys.SecretKey);
        var (first, second) = (new byte[parameters.SeededCiphertextBytes], new byte[parameters.SeededCiphertextBytes]);
        encryptor.Encrypt([1, 2, 3], first);
        encryptor.Encrypt([1, 2, 3], second);
        var width = parameters.SeededCiphertextBytes;
        probe.Send(session, new LatticeEncryptedBlock(id, 0, 0, 1, width, first));
        probe.Send(session, new LatticeEncryptedBlock(id, 0, 0, 1, width, second));
        Assert.Equal(AbortReason.DuplicateMismatch, probe.FishForMessage<Abort>(_ => true).Reason);
        Assert.Equal(AbortReason.DuplicateMismatch, ProbePeer.AbortReasonOf(job));
    }

    /// <summary>This party holds X (50×40) and evaluates; the probe holds Y (40×3).</summary>
    private (IActorRef Session, SessionJob Job, Akka.TestKit.TestProbe Probe, BfvParameters Parameters) Start()
    {
        var settings = TwoParties.Settings(OperandSide.Left, key: null) with { Scheme = Scheme.Bfv, Role = RolePreference.Evaluator };
        var job = new SessionJob(settings, new MatrixRows(new Matrix<long>(50, 40)), null);
        var probe = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        probe.Send(session, PeerHello());
        var mine = probe.ExpectMsg<Hello>();
        var plan = Handshake.Agree(mine, PeerHello(), settings.ProtocolVersion, settings.Limits, 0).Plan.Lattice!;
        return (session, job, probe, plan.CreateParameters());
    }

    private Hello PeerHello() =>
        new(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 40, 3, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "probe", Scheme.Bfv);

    private LatticeKeyMessage KeyMessage(BfvParameters parameters)
    {
        var key = new BfvKeyGenerator(parameters).CreatePublicKey();
        var bytes = new byte[key.Bytes];
        key.Write(bytes);
        return new LatticeKeyMessage(id, parameters.Degree, parameters.Levels, parameters.PlainBits, bytes);
    }
}
