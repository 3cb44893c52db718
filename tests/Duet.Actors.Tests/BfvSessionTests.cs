using Duet.Crypto.Schemes;
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
public sealed class BfvSessionTests() : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults))
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public void AKeyForOtherParametersThanThePlanIsAPlanMismatch()
    {
        var (session, job, probe, parameters) = Start();
        var key = KeyMessage(parameters);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(key.Key, parameters.Degree / 2);
        probe.Send(session, key);
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void AKeyCoefficientAboveItsPrimeIsAnInvalidKey()
    {
        var (session, job, probe, parameters) = Start();
        var key = KeyMessage(parameters);
        key.Key.AsSpan(12 + 32, 8).Fill(0xFF);
        probe.Send(session, key);
        var abort = probe.ExpectMsg<Abort>();
        Assert.Equal(AbortReason.InvalidKey, abort.Reason);
        Assert.Contains("key-range", abort.Text, StringComparison.Ordinal);
        Assert.Equal(AbortReason.InvalidKey, ProbePeer.AbortReasonOf(job));
    }

    [Fact]
    public void APaillierKeyInABfvSessionIsAPlanMismatch()
    {
        var (session, job, probe, _) = Start();
        using var paillier = Crypto.Paillier.PaillierKeyGenerator.Generate(512, allowTestSizes: true);
        probe.Send(session, ProbePeer.KeyMessage(id, paillier));
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(null)]
    public void ABlockOfAnotherWidthIsRefused(int? extraBytes)
    {
        var (session, job, probe, parameters) = Start();
        probe.Send(session, KeyMessage(parameters));
        probe.ExpectMsg<Credit>();
        var width = extraBytes is { } extra ? parameters.SeededCiphertextBytes + extra : 8;
        probe.Send(session, new EncryptedBlock(id, 0, 0, 1, width, new byte[width]));
        Assert.Equal(AbortReason.PlanMismatch, probe.ExpectMsg<Abort>().Reason);
        Assert.Equal(AbortReason.PlanMismatch, ProbePeer.AbortReasonOf(job));
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
        probe.Send(session, new EncryptedBlock(id, 0, 0, 1, width, first));
        probe.Send(session, new EncryptedBlock(id, 0, 0, 1, width, second));
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
        var plan = (CoefficientPlan)Handshake.Agree(mine, PeerHello(), settings.ProtocolVersion, settings.Limits, 0).Plan;
        return (session, job, probe, plan.CreateParameters());
    }

    private Hello PeerHello() =>
        new(id, PartySettings.Defaults.ProtocolVersion, OperandSide.Right, 40, 3, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "probe", Scheme.Bfv);

    /// <summary>The key message of a fresh key: N, the number of primes and τ (big-endian int32 each), then the key.</summary>
    private KeyMessage KeyMessage(BfvParameters parameters)
    {
        var key = new BfvKeyGenerator(parameters).CreatePublicKey();
        var bytes = new byte[12 + key.Bytes];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, parameters.Degree);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), parameters.Levels);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), parameters.PlainBits);
        key.Write(bytes.AsSpan(12));
        return new KeyMessage(id, bytes);
    }
}
