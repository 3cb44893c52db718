using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Delivery;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Transport;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>
/// Delivery binds each side to its party's certificate: the collector accepts an offer for a side only when the
/// certificate pinned for that side signed it for this collector, and two offers only with the same transcript digest.
/// Real parties and TLS deliveries first, then the collector's checks with probes (every message serialized).
/// </summary>
public sealed class CollectorBindingTests(RuntimeKeys keys, TlsCertificates certs)
    : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>, IClassFixture<TlsCertificates>
{
    private static readonly string ThisCollector = CertificateFingerprint.Of(Enumerable.Repeat((byte)7, 32).ToArray());

    [Fact]
    public async Task Party_a_offering_the_right_share_is_refused_and_the_genuine_shares_give_the_exact_product()
    {
        var random = new Random(41);
        var (x, y) = (TwoParties.Random(random, 6, 3, 16), TwoParties.Random(random, 3, 4, 16));
        var (a, b) = await TwoParties.Run(x, TwoParties.Settings(OperandSide.Left, keys.Left), y, TwoParties.Settings(OperandSide.Right, keys.Right));
        Assert.Equal(ShareOffer.DigestBytes, a.TranscriptDigest.Length);
        Assert.Equal(a.TranscriptDigest, b.TranscriptDigest);
        var port = TwoParties.FreePort();
        var collecting = DeliveryTests.Collect(port, certs.A, certs.B);

        await DeliveryTests.Deliver(port, certs.A, DeliveredShare.Of(a, OperandSide.Left));
        // A signs its own share as the right side's, with its own certificate.
        var forged = await Assert.ThrowsAsync<DeliveryFailedException>(() => DeliveryTests.Deliver(port, certs.A, DeliveredShare.Of(a, OperandSide.Right)));
        Assert.False(collecting.IsCompleted);
        await DeliveryTests.Deliver(port, certs.B, DeliveredShare.Of(b, OperandSide.Right));
        var collected = await collecting;

        Assert.Contains($"refused the share: the offer of the right share is signed by the certificate {DeliveryTests.Pin(certs.A)}, not by the one pinned for the right side", forged.Message, StringComparison.Ordinal);
        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(collected.Left.Values, collected.Right.Values, ShareDomain.Ring64).Data);
        Assert.Equal(Shares.Reduce(b.Share!, ShareDomain.Ring64).Data, collected.Right.Values.Data);
        Assert.Equal(a.TranscriptDigest, collected.Right.Transcript);
    }

    [Fact]
    public void An_offer_whose_signature_does_not_verify_is_refused_and_the_collection_goes_on()
    {
        var (collector, completion) = Start(certs.A, certs.B);
        var sender = CreateTestProbe();
        var genuine = Signed(Offer(OperandSide.Right, Digest(1)), certs.B);
        var signature = genuine.Signature!;

        // The same signature over other facts, a damaged signature, and an honest signature that names a certificate it is not by.
        collector.Tell(genuine with { FractionBits = 16 }, sender.Ref);
        collector.Tell(genuine with { Signature = signature with { Signature = [.. signature.Signature[..^1], (byte)(signature.Signature[^1] ^ 1)] } }, sender.Ref);
        collector.Tell(genuine with { Signature = signature with { Certificate = certs.Stranger.RawData } }, sender.Ref);

        Assert.Contains("does not verify", Refused(sender), StringComparison.Ordinal);
        Assert.Contains("does not verify", Refused(sender), StringComparison.Ordinal);
        Assert.Contains($"signed by the certificate {DeliveryTests.Pin(certs.Stranger)}", Refused(sender), StringComparison.Ordinal);
        collector.Tell(genuine, sender.Ref);
        Assert.Equal(DeliveryStatus.Receiving, sender.ExpectMsg<ShareReceipt>().Status);
        Assert.False(completion.Task.IsCompleted);
    }

    [Fact]
    public void Unsigned_offers_offers_for_another_collector_and_expired_certificates_are_refused()
    {
        var (collector, _) = Start(certs.A, certs.Expired);
        var sender = CreateTestProbe();

        collector.Tell(Offer(OperandSide.Left, Digest(1)), sender.Ref);
        collector.Tell(SignedOffers.Sign(Offer(OperandSide.Left, Digest(1)), certs.A, [DeliveryTests.Pin(certs.Stranger)]), sender.Ref);
        collector.Tell(Signed(Offer(OperandSide.Right, Digest(1)), certs.Expired), sender.Ref);

        Assert.Contains("the offer is not signed", Refused(sender), StringComparison.Ordinal);
        Assert.Contains("signed for other collectors", Refused(sender), StringComparison.Ordinal);
        Assert.Contains("expired", Refused(sender), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_offers_with_different_transcript_digests_are_refused()
    {
        var (collector, completion) = Start(certs.A, certs.B);
        var (left, right) = (CreateTestProbe(), CreateTestProbe());

        collector.Tell(Signed(Offer(OperandSide.Left, Digest(1)), certs.A), left.Ref);
        Assert.Equal(DeliveryStatus.Receiving, left.ExpectMsg<ShareReceipt>().Status);
        collector.Tell(Signed(Offer(OperandSide.Right, Digest(2)), certs.B), right.Ref);

        Assert.Contains("transcript digests differ", Refused(right), StringComparison.Ordinal);
        Assert.Contains("transcript digests differ", (await Assert.ThrowsAsync<DeliveryFailedException>(() => completion.Task)).Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Refused, left.ExpectMsg<ShareReceipt>().Status);
    }

    [Fact]
    public void The_pins_of_the_two_sides_differ()
    {
        var pin = DeliveryTests.Pin(certs.A);
        Assert.Contains("the same certificate", Assert.Throws<ArgumentException>(() => new CollectorPins(pin, pin.ToUpperInvariant())).Message, StringComparison.Ordinal);
    }

    private static ShareOffer Offer(OperandSide side, byte[] transcript) =>
        new(Guid.Parse("5b8a2f0e-7c41-4d9a-9e36-0a1b2c3d4e5f"), side, ShareDomain.Ring64, 0, 1, 2, Transcript.ShareDigest(new Matrix<BigInteger>(1, 2, [3, 4])), transcript);

    private static ShareOffer Signed(ShareOffer offer, X509Certificate2 certificate) => SignedOffers.Sign(offer, certificate, [ThisCollector]);

    private static byte[] Digest(int seed) => [.. Enumerable.Range(seed, ShareOffer.DigestBytes).Select(i => (byte)i)];

    private static string Refused(Akka.TestKit.TestProbe sender)
    {
        var receipt = sender.ExpectMsg<ShareReceipt>();
        Assert.Equal(DeliveryStatus.Refused, receipt.Status);
        return receipt.Text;
    }

    private (IActorRef Collector, TaskCompletionSource<CollectedShares> Completion) Start(X509Certificate2 left, X509Certificate2 right)
    {
        var completion = new TaskCompletionSource<CollectedShares>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pins = new CollectorPins(DeliveryTests.Pin(left), DeliveryTests.Pin(right));
        return (Sys.ActorOf(Props.Create(() => new Collector(CollectorTests.Settings, pins, ThisCollector, completion))), completion);
    }
}
