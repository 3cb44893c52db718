using Duet.Crypto.Schemes;
using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>A fast test key (1024 bits) for the encryptor.</summary>
public sealed class FastKey : IDisposable
{
    public PaillierPrivateKey Key { get; } = PaillierKeyGenerator.Generate(1024, allowTestSizes: true, KeyForm.Fast);

    public void Dispose() => Key.Dispose();
}

/// <summary>The evaluator decides about fast keys (docs/protocol.md §8, §9): the hellos carry the encryptor's key form and
/// the evaluator's acceptance (<c>duet.session.accept-fast-key</c>), so both sides refuse a fast key at the handshake
/// unless the evaluator opted in, and the evaluator checks again when the public key arrives. With the opt-in a session
/// completes exactly: <see cref="FastKeyFormSessionTests"/>.</summary>
public sealed class FastKeyOptInTests(FastKey fast) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<FastKey>
{
    private readonly Guid id = SessionIds.NewRandom();

    [Fact]
    public void A_hello_carries_its_key_form_and_its_acceptance_from_protocol_6()
    {
        var standard = WireSamples.Hello() with { ProtocolVersion = 6 };
        var fast = standard with { KeyForm = KeyForm.Fast };
        var accepting = standard with { AcceptFastKey = true };

        Assert.All(new[] { standard, fast, accepting }, hello => Assert.Equal(hello, DuetSerializer.Decode(DuetSerializer.Encode(hello), "HE")));
        Assert.Equal(DuetSerializer.Encode(standard with { ProtocolVersion = 5 }).Length + 2, DuetSerializer.Encode(standard).Length);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(fast with { ProtocolVersion = 5 }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(accepting with { ProtocolVersion = 5 }));

        var bytes = DuetSerializer.Encode(fast);
        bytes[^2] = 2;
        Assert.Contains("KeyForm", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE")).Message, StringComparison.Ordinal);
        bytes = DuetSerializer.Encode(accepting);
        bytes[^1] = 2;
        Assert.Contains("AcceptFastKey", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_evaluators_opt_in_admits_a_fast_key_and_both_sides_see_it_at_the_handshake()
    {
        var encryptor = Hello(OperandSide.Right, RolePreference.Encryptor) with { KeyForm = KeyForm.Fast, AcceptFastKey = true };
        var evaluator = Hello(OperandSide.Left, RolePreference.Evaluator);

        // The encryptor's own acceptance does not count; each side refuses on the evaluator's hello.
        foreach (var (mine, theirs) in new[] { (evaluator, encryptor), (encryptor, evaluator) })
        {
            var refused = Assert.Throws<HandshakeException>(() => Handshake.Agree(mine, theirs, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0));
            Assert.Equal(AbortReason.FastKeyRefused, refused.Reason);
            Assert.Contains("duet.session.accept-fast-key", refused.Message, StringComparison.Ordinal);
            Assert.Equal(OperandSide.Right, Handshake.Agree(mine with { AcceptFastKey = true }, theirs with { AcceptFastKey = true }, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0).Encryptor);
        }

        // A fast form announced by the party that ends up evaluating is no key at all; BFV has no Paillier key.
        Handshake.Agree(encryptor with { KeyForm = KeyForm.Standard }, evaluator with { KeyForm = KeyForm.Fast }, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0);
        Handshake.Agree(encryptor with { Scheme = Scheme.Bfv }, evaluator with { Scheme = Scheme.Bfv }, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task An_evaluator_without_the_opt_in_refuses_a_fast_key_encryptor_on_both_sides(bool encryptorOptsIn, bool generated)
    {
        // A generated key would be of a size the session cannot make (1024 bits, reason Internal): the refusal comes first.
        var random = new Random(12);
        var left = TwoParties.Random(random, 6, 4, 16);
        var right = TwoParties.Random(random, 4, 3, 16);
        var prepared = 0;
        var port = TwoParties.FreePort();
        var evaluator = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, null) with { Role = RolePreference.Evaluator },
            left, new PartyEndpoint("127.0.0.1", port), null, default, TwoParties.SerializeAll, _ => Interlocked.Increment(ref prepared));
        var encryptor = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, generated ? null : fast.Key) with { Role = RolePreference.Encryptor, KeyForm = KeyForm.Fast, AcceptFastKey = encryptorOptsIn },
            right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, default, TwoParties.SerializeAll, _ => Interlocked.Increment(ref prepared));

        var local = await Assert.ThrowsAsync<SessionAbortedException>(() => evaluator);
        var remote = await Assert.ThrowsAsync<SessionAbortedException>(() => encryptor);
        Assert.Equal((AbortReason.FastKeyRefused, false), (local.Reason, local.RaisedByPeer));
        Assert.Equal((AbortReason.FastKeyRefused, true), (remote.Reason, remote.RaisedByPeer));
        Assert.Contains("duet.session.accept-fast-key", remote.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', remote.Message);
        Assert.Equal(0, prepared);
    }

    [Fact]
    public void A_fast_key_announced_in_the_hello_is_refused_before_the_evaluator_answers()
    {
        var job = new SessionJob(TwoParties.Settings(OperandSide.Left, null) with { Role = RolePreference.Evaluator }, new MatrixRows(new Matrix<long>(6, 4)), null);
        var peer = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        peer.Send(session, Hello(OperandSide.Right, RolePreference.Encryptor) with { KeyForm = KeyForm.Fast });

        // The listener refuses the caller's hello without its own: no key is made or sent.
        Assert.Equal(AbortReason.FastKeyRefused, peer.ExpectMsg<Abort>(TimeSpan.FromSeconds(10)).Reason);
        Assert.Equal(AbortReason.FastKeyRefused, ProbePeer.AbortReasonOf(job));
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_encryptor_refuses_its_fast_key_to_an_evaluator_that_does_not_accept_it_before_making_it()
    {
        // No key given: a session would generate one of 1024 bits, which it cannot (reason Internal); it never starts.
        var job = new SessionJob(TwoParties.Settings(OperandSide.Right, null) with { Role = RolePreference.Encryptor, KeyForm = KeyForm.Fast }, new MatrixRows(new Matrix<long>(4, 3)), null);
        var peer = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        peer.Send(session, Hello(OperandSide.Left, RolePreference.Evaluator));

        Assert.Equal(AbortReason.FastKeyRefused, peer.ExpectMsg<Abort>(TimeSpan.FromSeconds(10)).Reason);
        Assert.Equal(AbortReason.FastKeyRefused, ProbePeer.AbortReasonOf(job));
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData(false, AbortReason.FastKeyRefused)]
    [InlineData(true, AbortReason.PlanMismatch)]
    public void A_fast_public_key_after_a_standard_hello_is_refused(bool acceptFastKey, AbortReason expected)
    {
        var job = new SessionJob(
            TwoParties.Settings(OperandSide.Left, null) with { Role = RolePreference.Evaluator, AcceptFastKey = acceptFastKey },
            new MatrixRows(new Matrix<long>(6, 4)), null);
        var peer = CreateTestProbe();
        var session = Sys.ActorOf(Session.Props(job, id, null));
        peer.Send(session, Hello(OperandSide.Right, RolePreference.Encryptor));
        peer.ExpectMsg<Hello>();

        // The key message is the binding claim: a hello that said standard does not let a fast key through.
        peer.Send(session, ProbePeer.KeyMessage(id, fast.Key));
        Assert.Equal(expected, peer.ExpectMsg<Abort>(TimeSpan.FromSeconds(10)).Reason);
        Assert.Equal(expected, ProbePeer.AbortReasonOf(job));
    }

    private Hello Hello(OperandSide side, RolePreference role) =>
        new(id, PartySettings.Defaults.ProtocolVersion, side, side == OperandSide.Left ? 6 : 4, side == OperandSide.Left ? 4 : 3, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, role, side.ToString());
}
