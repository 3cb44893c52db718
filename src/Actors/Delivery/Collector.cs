using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Wire;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Delivery;

/// <summary>
/// Party C's gateway: accepts one share from each side of one session, checks that the two belong together (one
/// session, both sides, the same domain, scale, shape and transcript digest), each run against the share's shape and
/// domain, and each whole share against its offer's digest, and answers each sender with receipts only. Over TLS an
/// offer for a side counts only when that side's pinned certificate signed it (<see cref="SignedOffers"/>): any other is
/// refused to its sender alone, and the collection goes on. The first signed share that does not fit stops the
/// collection: its sender is refused, and so is any other still arriving.
/// </summary>
internal sealed class Collector : ReceiveActor, IWithTimers
{
    // Integer shares are bounded only by the wire's value size here: C does not know the session's slot width.
    private const int IntegerShareBits = (8 * SignedIntegerCodec.MaxValueBytes) - 1;

    private readonly DeliverySettings settings;
    private readonly CollectorPins? pins;
    private readonly string? fingerprint;
    private readonly TaskCompletionSource<CollectedShares> completion;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<OperandSide, Incoming> incoming = [];
    private string? lastUnproven;

    /// <param name="pins">Each side's pinned certificate; null on a plaintext collector (--insecure), which checks no signature.</param>
    /// <param name="fingerprint">This collector's own certificate's fingerprint, which an offer must be signed for.</param>
    public Collector(DeliverySettings settings, CollectorPins? pins, string? fingerprint, TaskCompletionSource<CollectedShares> completion)
    {
        if ((pins is null) != (fingerprint is null))
        {
            throw new ArgumentException("a collector that pins the sides needs its own fingerprint, and only then", nameof(fingerprint));
        }

        this.settings = settings;
        this.pins = pins;
        this.fingerprint = fingerprint;
        this.completion = completion;
        Receive<ShareOffer>(OnOffer);
        Receive<ShareRun>(OnRun);
        Receive<WaitOver>(_ => completion.TrySetException(WaitIsOver()));
        Receive<IProtocolMessage>(m => log.Warning("collector: dropped {0} of session {1} from {2}", m.GetType().Name, m.SessionId, Sender.Path.Address));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        if (settings.Wait > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(WaitOver.Instance, WaitOver.Instance, settings.Wait);
        }
    }

    private void OnOffer(ShareOffer offer)
    {
        if (incoming.TryGetValue(offer.Side, out var same) && same.Offer.Equals(offer) && same.Sender.Equals(Sender))
        {
            Sender.Tell(same.Receipt(), Self); // the sender repeats its offer until it hears from us
            return;
        }

        if (pins is not null && SignedOffers.Refusal(offer, pins.For(offer.Side), fingerprint!, DateTimeOffset.UtcNow) is { } unproven)
        {
            // It proves nothing of its side, so it must not stop the collection or take the side's place.
            lastUnproven = $"refused an offer of the {DeliveredShare.Words(offer.Side)} share from {Sender.Path.Address}: {unproven}";
            log.Warning("collector: {0}", lastUnproven);
            Sender.Tell(new ShareReceipt(offer.SessionId, offer.Side, DeliveryStatus.Refused, 0, unproven), Self);
            return;
        }

        var problem = incoming.Values.Select(other => DeliveredShare.Mismatch(offer, other.Offer)).FirstOrDefault(p => p is not null)
            ?? ((long)offer.Rows * offer.Columns > settings.MaxProductEntries
                ? $"a {offer.Rows}x{offer.Columns} product is larger than duet.limits.max-product-entries = {settings.MaxProductEntries}"
                : null);
        if (problem is not null)
        {
            Refuse(offer.SessionId, offer.Side, problem);
            return;
        }

        var share = new Incoming(offer, Sender, new RevealAssembler(offer.Rows, offer.Columns, offer.Domain, IntegerShareBits));
        incoming[offer.Side] = share;
        Sender.Tell(share.Receipt(), Self);
    }

    private void OnRun(ShareRun run)
    {
        if (!incoming.TryGetValue(run.Side, out var share) || share.Offer.SessionId != run.SessionId || !share.Sender.Equals(Sender))
        {
            log.Warning("collector: dropped a run of the {0} share of session {1} from {2}, which offered no such share", run.Side, run.SessionId, Sender.Path.Address);
            return;
        }

        if (share.Accepted)
        {
            return;
        }

        if (share.Assembler.Add(new RevealedShare(run.SessionId, run.First, run.Count, run.Values)) is { } refusal)
        {
            Refuse(run.SessionId, run.Side, refusal.Text);
            return;
        }

        share.Runs++;
        if (share.Assembler.Complete)
        {
            if (!CryptographicOperations.FixedTimeEquals(share.Assembler.Digest(), share.Offer.Digest))
            {
                Refuse(run.SessionId, run.Side, "the share that arrived does not match its offer's digest");
                return;
            }

            share.Accepted = true;
        }

        Sender.Tell(share.Receipt(), Self);
        if (incoming.Count == 2 && incoming.Values.All(s => s.Accepted))
        {
            completion.TrySetResult(new CollectedShares(incoming[OperandSide.Left].Delivered(), incoming[OperandSide.Right].Delivered()));
            Become(Finished);
        }
    }

    /// <summary>Refuses the sender's share, tells any other sender still sending, and ends the collection.</summary>
    private void Refuse(Guid sessionId, OperandSide side, string problem)
    {
        Sender.Tell(new ShareReceipt(sessionId, side, DeliveryStatus.Refused, 0, problem), Self);
        foreach (var other in incoming.Values.Where(s => !s.Accepted && !s.Sender.Equals(Sender)))
        {
            other.Sender.Tell(new ShareReceipt(other.Offer.SessionId, other.Offer.Side, DeliveryStatus.Refused, other.Runs, "the collector stopped: it refused the other party's share"), Self);
        }

        completion.TrySetException(new DeliveryFailedException(
            $"refused the {DeliveredShare.Words(side)} share of session {sessionId} from {Sender.Path.Address}: {problem}; nothing was written"));
        Become(Finished);
    }

    /// <summary>After the collection ended: every sender is told so, nothing is kept.</summary>
    private void Finished()
    {
        Receive<ShareOffer>(offer => Sender.Tell(new ShareReceipt(offer.SessionId, offer.Side, DeliveryStatus.Refused, 0, "the collector has finished"), Self));
        Receive<IProtocolMessage>(_ => { });
        Receive<WaitOver>(_ => { });
    }

    private DeliveryFailedException WaitIsOver()
    {
        var accepted = incoming.Values.Where(s => s.Accepted).Select(s => DeliveredShare.Words(s.Offer.Side)).ToList();
        var arrived = accepted.Count == 0 ? "no share arrived" : $"only the {accepted[0]} share arrived";
        var unproven = lastUnproven is null ? string.Empty : $"; last, it {lastUnproven}";
        return new DeliveryFailedException($"{arrived} within {settings.Wait.TotalSeconds:0.#} s (duet.collect.wait, --wait){unproven}; nothing was written") { TimedOut = true };
    }

    /// <summary>One side's share on its way in.</summary>
    private sealed class Incoming(ShareOffer offer, IActorRef sender, RevealAssembler assembler)
    {
        public ShareOffer Offer { get; } = offer;

        public IActorRef Sender { get; } = sender;

        public RevealAssembler Assembler { get; } = assembler;

        public int Runs { get; set; }

        public bool Accepted { get; set; }

        public ShareReceipt Receipt() =>
            new(Offer.SessionId, Offer.Side, Accepted ? DeliveryStatus.Accepted : DeliveryStatus.Receiving, Runs, string.Empty);

        public DeliveredShare Delivered() => new(Offer.SessionId, Offer.Side, Offer.Domain, Offer.FractionBits, Assembler.Share!, Offer.Transcript);
    }

    private sealed class WaitOver : INoSerializationVerificationNeeded
    {
        public static readonly WaitOver Instance = new();

        private WaitOver()
        {
        }
    }
}
