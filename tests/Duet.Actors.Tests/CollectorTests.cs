using System.Numerics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Delivery;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The collector's checks of what a sender sends, with probes as senders (every message serialized); a
/// plaintext collector, which checks no signature (<see cref="CollectorBindingTests"/> has the signed offers).</summary>
public sealed class CollectorTests() : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults))
{
    private static readonly Guid Session = Guid.NewGuid();

    private static readonly byte[] SessionTranscript = [.. Enumerable.Range(1, ShareOffer.DigestBytes).Select(i => (byte)i)];

    internal static readonly DeliverySettings Settings = new()
    {
        Timeout = TimeSpan.FromSeconds(10),
        Wait = TimeSpan.FromSeconds(30),
        Window = 4,
        BlockBytes = 1 << 16,
        MaxProductEntries = 100,
    };

    [Fact]
    public async Task A_share_that_does_not_match_its_digest_is_refused()
    {
        var (collector, completion) = Start();
        var sender = CreateTestProbe();
        BigInteger[] values = [1, 2, 3, 4];
        var offer = new ShareOffer(Session, OperandSide.Left, ShareDomain.Ring64, 0, 2, 2, Transcript.ShareDigest(new Matrix<BigInteger>(2, 2, [1, 2, 3, 5])), SessionTranscript);

        collector.Tell(offer, sender.Ref);
        Assert.Equal(DeliveryStatus.Receiving, sender.ExpectMsg<ShareReceipt>().Status);
        collector.Tell(new ShareRun(Session, OperandSide.Left, 0, 4, SignedIntegerCodec.Encode(values)), sender.Ref);

        var receipt = sender.ExpectMsg<ShareReceipt>();
        Assert.Equal(DeliveryStatus.Refused, receipt.Status);
        Assert.Contains("digest", receipt.Text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DeliveryFailedException>(() => completion.Task);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)] // 2^64: one above the ring
    public async Task A_ring64_value_outside_the_ring_is_refused(int which)
    {
        var (collector, completion) = Start();
        var sender = CreateTestProbe();
        BigInteger value = which < 0 ? BigInteger.MinusOne : BigInteger.One << 64;
        collector.Tell(new ShareOffer(Session, OperandSide.Right, ShareDomain.Ring64, 0, 1, 1, new byte[32], SessionTranscript), sender.Ref);
        sender.ExpectMsg<ShareReceipt>();

        collector.Tell(new ShareRun(Session, OperandSide.Right, 0, 1, SignedIntegerCodec.Encode([value])), sender.Ref);

        Assert.Equal(DeliveryStatus.Refused, sender.ExpectMsg<ShareReceipt>().Status);
        Assert.Contains("range", (await Assert.ThrowsAsync<DeliveryFailedException>(() => completion.Task)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_offer_is_answered_again_and_runs_from_anyone_but_its_sender_are_dropped()
    {
        var (collector, completion) = Start();
        var sender = CreateTestProbe();
        var intruder = CreateTestProbe();
        var share = new Matrix<BigInteger>(1, 3, [7, 8, 9]);
        var offer = new ShareOffer(Session, OperandSide.Left, ShareDomain.Integer, 0, 1, 3, Transcript.ShareDigest(share), SessionTranscript);

        collector.Tell(offer, sender.Ref);
        collector.Tell(offer, sender.Ref);
        Assert.Equal(0, sender.ExpectMsg<ShareReceipt>().Runs);
        Assert.Equal(0, sender.ExpectMsg<ShareReceipt>().Runs);
        collector.Tell(new ShareRun(Session, OperandSide.Left, 0, 3, SignedIntegerCodec.Encode([1, 1, 1])), intruder.Ref);
        intruder.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        collector.Tell(new ShareRun(Session, OperandSide.Left, 0, 3, SignedIntegerCodec.Encode(share.Data)), sender.Ref);

        Assert.Equal(DeliveryStatus.Accepted, sender.ExpectMsg<ShareReceipt>().Status);
        Assert.False(completion.Task.IsCompleted); // the right share is still to come
    }

    [Fact]
    public async Task A_product_over_the_limit_is_refused_before_anything_is_allocated()
    {
        var (collector, completion) = Start();
        var sender = CreateTestProbe();

        collector.Tell(new ShareOffer(Session, OperandSide.Left, ShareDomain.Ring64, 0, 1 << 20, 1 << 20, new byte[32], SessionTranscript), sender.Ref);

        var receipt = sender.ExpectMsg<ShareReceipt>();
        Assert.Equal(DeliveryStatus.Refused, receipt.Status);
        Assert.Contains("max-product-entries", receipt.Text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DeliveryFailedException>(() => completion.Task);
    }

    private (IActorRef Collector, TaskCompletionSource<CollectedShares> Completion) Start()
    {
        var completion = new TaskCompletionSource<CollectedShares>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Sys.ActorOf(Props.Create(() => new Collector(Settings, null, null, completion))), completion);
    }
}
