using System.Diagnostics;
using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.State;

namespace Duet.Actors.Delivery;

/// <summary>
/// Sends one party's final share to the collector: the offer (repeated every second until the collector answers, as a
/// hello is), then the runs within a window of the collector's receipts, and completes when the collector accepts the
/// whole share, or fails when it refuses it or falls silent for <see cref="DeliverySettings.Timeout"/>.
/// </summary>
internal sealed class ShareSender : ReceiveActor, IWithTimers
{
    /// <summary>Why a collector most often stays silent or closes the link.</summary>
    public const string LikelyCause = "is 'duet collect' running there, pinning this party's certificate?";

    private static readonly TimeSpan OfferRepeat = TimeSpan.FromSeconds(1);

    private readonly ShareSource share;
    private readonly string collectorPath;
    private readonly string collectorAddress;
    private readonly DeliverySettings settings;
    private readonly TaskCompletionSource<DeliveryReport> completion;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ShareOffer offer;
    private readonly IEnumerator<RevealedShare> runs;
    private readonly int total;
    private IActorRef? collector;
    private int sent;
    private long bytes;

    /// <param name="offer">The share's offer, signed on a TLS delivery, and the number of runs it travels in (<see cref="ShareSource.Offer"/>).</param>
    public ShareSender(ShareSource share, (ShareOffer Offer, int Runs) offer, string collectorPath, string collectorAddress, DeliverySettings settings, TaskCompletionSource<DeliveryReport> completion)
    {
        this.share = share;
        this.collectorPath = collectorPath;
        this.collectorAddress = collectorAddress;
        this.settings = settings;
        this.completion = completion;
        (this.offer, total) = offer;
        runs = share.Runs(settings.BlockBytes).GetEnumerator();

        Receive<RepeatOffer>(_ => SendOffer());
        Receive<Silence>(_ => Fail(
            $"the collector at {collectorAddress} did not answer within {settings.Timeout.TotalSeconds:0.#} s (duet.delivery.timeout): {LikelyCause}"));
        Receive<ShareReceipt>(OnReceipt, r => r.SessionId == share.SessionId && r.Side == share.Side);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        SendOffer();
        Timers.StartPeriodicTimer(RepeatOffer.Instance, RepeatOffer.Instance, OfferRepeat);
        Timers.StartSingleTimer(Silence.Instance, Silence.Instance, settings.Timeout);
    }

    protected override void PostStop() => runs.Dispose();

    private void SendOffer() => Context.ActorSelection(collectorPath).Tell(offer, Self);

    private void OnReceipt(ShareReceipt receipt)
    {
        Timers.StartSingleTimer(Silence.Instance, Silence.Instance, settings.Timeout);
        switch (receipt.Status)
        {
            case DeliveryStatus.Refused:
                Fail($"the collector at {collectorAddress} refused the share: {receipt.Text}");
                break;
            case DeliveryStatus.Accepted when sent == total:
                completion.TrySetResult(new DeliveryReport(collectorAddress, total, bytes, clock.Elapsed));
                Context.Stop(Self);
                break;
            case DeliveryStatus.Accepted:
                Fail($"the collector at {collectorAddress} accepted the share after {sent} of its {total} runs");
                break;
            default:
                Timers.Cancel(RepeatOffer.Instance);
                collector ??= Sender;
                // Read back lazily: at most a window of runs is ever out of the share's file.
                while (sent < total && sent < (long)receipt.Runs + settings.Window && runs.MoveNext())
                {
                    var run = runs.Current;
                    collector.Tell(new ShareRun(run.SessionId, share.Side, run.First, run.Count, run.Values), Self);
                    bytes += run.Values.Length;
                    sent++;
                }

                break;
        }
    }

    private void Fail(string message)
    {
        completion.TrySetException(new DeliveryFailedException(message));
        Context.Stop(Self);
    }

    private sealed class RepeatOffer : INoSerializationVerificationNeeded
    {
        public static readonly RepeatOffer Instance = new();

        private RepeatOffer()
        {
        }
    }

    private sealed class Silence : INoSerializationVerificationNeeded
    {
        public static readonly Silence Instance = new();

        private Silence()
        {
        }
    }
}
