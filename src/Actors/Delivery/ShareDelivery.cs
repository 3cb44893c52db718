using Akka.Actor;
using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;

namespace Duet.Actors.Delivery;

/// <summary>
/// The entry points of delivery to a third party: a party sends its final share to the collector C
/// (<see cref="DeliverAsync"/>), and C waits for both shares of one session (<see cref="CollectAsync"/>). Each runs its
/// own actor system over the same mutual TLS as the parties' link; C's collector stands at the gateway's path.
/// </summary>
public static class ShareDelivery
{
    /// <summary>Sends the share to the collector at <c>endpoint.Peer</c> and returns once C acknowledged all of it.</summary>
    /// <param name="endpoint">Where this party's delivery system listens (an ephemeral port), the collector's HOST:PORT as
    /// the peer, and the TLS that pins the collector's certificate.</param>
    /// <exception cref="DeliveryFailedException">C refused the share, fell silent, or the TLS link was refused.</exception>
    public static Task<DeliveryReport> DeliverAsync(
        DeliveredShare share, PartyEndpoint endpoint, DeliverySettings settings, CancellationToken cancellationToken = default, Config? extraConfig = null)
    {
        ArgumentNullException.ThrowIfNull(share);
        return DeliverAsync(share.Source(), endpoint, settings, cancellationToken, extraConfig);
    }

    /// <summary>Sends the share the source reads (a share held in memory, or read back from its file as it goes).</summary>
    public static async Task<DeliveryReport> DeliverAsync(
        ShareSource share, PartyEndpoint endpoint, DeliverySettings settings, CancellationToken cancellationToken = default, Config? extraConfig = null)
    {
        ArgumentNullException.ThrowIfNull(share);
        if ((long)share.Rows * share.Columns > int.MaxValue)
        {
            throw new DeliveryFailedException($"a {share.Rows}x{share.Columns} share is over what a delivery carries (2^31 - 1 entries: its runs index entries with 32 bits)");
        }

        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(settings);
        var collector = endpoint.Peer ?? throw new ArgumentException("the delivery endpoint names no collector.", nameof(endpoint));
        endpoint.CheckPlaintextIsLoopback();
        var offer = Offer(share, endpoint.Tls, settings.BlockBytes);
        var completion = new TaskCompletionSource<DeliveryReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var system = DuetParty.CreateSystem(endpoint, extraConfig);

        // A refused certificate ends the delivery at once: the collector's, refused here, or this party's, refused there
        // (the collector says so before it closes the link).
        using var refused = endpoint.Tls?.OnCalleeRefused(endpoint.GatewayPath(), refusal => completion.TrySetException(new DeliveryFailedException($"TLS: {refusal}")));
        return await Run(system, completion, cancellationToken, () =>
            system.ActorOf(Props.Create(() => new ShareSender(share, offer, endpoint.GatewayPath(), collector, settings, completion)), "delivery")).ConfigureAwait(false);
    }

    /// <summary>Listens on the endpoint until both shares of one session arrived and were checked to belong together.</summary>
    /// <param name="pins">Each side's certificate, both pinned by the endpoint's TLS; null exactly when the endpoint is
    /// plaintext (--insecure), where no offer is signed.</param>
    /// <exception cref="DeliveryFailedException">A share was refused, or <see cref="DeliverySettings.Wait"/> passed first.</exception>
    public static async Task<CollectedShares> CollectAsync(
        PartyEndpoint endpoint, CollectorPins? pins, DeliverySettings settings, CancellationToken cancellationToken = default, Config? extraConfig = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(settings);
        endpoint.CheckPlaintextIsLoopback();
        if (endpoint.Tls is { } tls ? pins is null || !tls.PeerPins.Contains(pins.Left) || !tls.PeerPins.Contains(pins.Right) : pins is not null)
        {
            throw new ArgumentException("a TLS collector pins each side's certificate, both among its link's pins; a plaintext one pins none", nameof(pins));
        }

        var completion = new TaskCompletionSource<CollectedShares>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fingerprint = endpoint.Tls?.Fingerprint;
        using var system = DuetParty.CreateSystem(endpoint with { Peer = null }, extraConfig);
        try
        {
            return await Run(system, completion, cancellationToken, () =>
                system.ActorOf(Props.Create(() => new Collector(settings, pins, fingerprint, completion)), PartyEndpoint.GatewayName)).ConfigureAwait(false);
        }
        catch (DeliveryFailedException error) when (error.TimedOut && endpoint.Tls?.LastRefusal is { } refusal)
        {
            // The most likely reason a share never came: its sender's certificate is not pinned here.
            throw new DeliveryFailedException($"{error.Message}; TLS: {refusal}") { TimedOut = true };
        }
    }

    /// <summary>The share's offer, signed with this party's certificate for the collectors it pins (a plaintext delivery's
    /// is not signed), and the number of runs the share travels in.</summary>
    private static (ShareOffer Offer, int Runs) Offer(ShareSource share, PartyTls? tls, int blockBytes)
    {
        var (offer, runs) = share.Offer(blockBytes);
        try
        {
            return (tls is null ? offer : SignedOffers.Sign(offer, tls.Certificate, tls.PeerPins), runs);
        }
        catch (ArgumentException error)
        {
            throw new DeliveryFailedException($"the offer could not be signed: {error.Message}");
        }
    }

    private static async Task<T> Run<T>(ActorSystem system, TaskCompletionSource<T> completion, CancellationToken cancellationToken, Action start)
    {
        // A refused link no longer stops the system (PinnedTlsTransport): only a stop from outside gets here.
        _ = system.WhenTerminated.ContinueWith(
            _ => completion.TrySetException(new DeliveryFailedException("the delivery's actor system stopped before it finished")),
            TaskScheduler.Default);
        start();
        await using (cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken)))
        {
            try
            {
                return await completion.Task.ConfigureAwait(false);
            }
            finally
            {
                await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            }
        }
    }
}
