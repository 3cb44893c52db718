using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Actors.Transport;
using Duet.Crypto.MatMul;
using Duet.Host.Commands;
using Duet.Host.Configuration;
using Duet.Host.Outputs;

namespace Duet.Host.Networking;

/// <summary>
/// Where <c>duet party --deliver-to</c> sends its final share: the collector's address (--deliver-to or
/// duet.delivery.to), the pins of the collector's certificate (--deliver-pin or duet.delivery.pins), and this party's
/// own certificate, the one of its link to the peer. With --insecure, plaintext on loopback only, as for the peer.
/// </summary>
internal sealed record DeliveryTarget(PartyEndpoint Endpoint, DeliverySettings Settings)
{
    public const string ToKey = "duet.delivery.to";
    public const string PinsKey = "duet.delivery.pins";

    /// <summary>The target the options or the configuration name, or null when this party delivers to nobody.</summary>
    /// <param name="party">This party's own endpoint, already secured: its certificate signs the delivery link too.</param>
    public static DeliveryTarget? Read(Config file, string? toOption, IReadOnlyList<string> pinOptions, PartyEndpoint party)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(pinOptions);
        ArgumentNullException.ThrowIfNull(party);
        var to = toOption ?? file.GetString(ToKey, null);
        if (string.IsNullOrWhiteSpace(to))
        {
            return pinOptions.Count > 0 ? throw new UsageException("--deliver-pin pins a collector: give its address with --deliver-to HOST:PORT") : null;
        }

        var source = toOption is null ? ToKey : "--deliver-to";
        var (host, _) = PartyEndpoint.ParseHostPort(to, source);
        var endpoint = new PartyEndpoint(PartyAddresses.LocalAddressToward(host, source), 0, to);
        if (party.Tls is null)
        {
            try
            {
                endpoint.CheckPlaintextIsLoopback();
            }
            catch (ArgumentException error)
            {
                throw new UsageException($"--insecure: {error.Message}", error);
            }

            return pinOptions.Count > 0
                ? throw new UsageException("--insecure runs without TLS; it cannot be combined with --deliver-pin")
                : new DeliveryTarget(endpoint, DeliverySettings.FromConfig(file));
        }

        IReadOnlyList<string> pins = pinOptions.Count > 0 ? pinOptions : [.. file.GetStringList(PinsKey, [])];
        if (pins.Count == 0)
        {
            throw new UsageException($"{source} {to}: pin the collector's certificate with --deliver-pin sha256:... ({PinsKey}), the fingerprint 'duet certs' printed for it");
        }

        try
        {
            return new DeliveryTarget(endpoint with { Tls = new PartyTls(party.Tls.Certificate, pins) }, DeliverySettings.FromConfig(file));
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"--deliver-pin: {error.Message}", error);
        }
    }

    /// <summary>Sends the share of a completed session, held in memory or read back from its file (<paramref name="streamed"/>);
    /// a failure says whether a share file was kept.</summary>
    public async Task<DeliveryReport> SendAsync(PartyResult result, OperandSide side, string name, string? shareFile, ShareSource? streamed, CommandConsole console, CancellationToken cancellation)
    {
        try
        {
            return await SendAsync(streamed ?? DeliveredShare.Of(result, side).Source(), name, console, cancellation).ConfigureAwait(false);
        }
        catch (DeliveryFailedException error)
        {
            var kept = shareFile is null
                ? "the share was not kept (no --output)"
                : $"the share file {shareFile} was written (send it again with 'duet deliver --share {shareFile}')";
            throw new DeliveryFailedException($"the session completed, but the share was not delivered: {error.Message}; {kept}");
        }
    }

    /// <summary>Sends a share and returns once the collector acknowledged all of it.</summary>
    public Task<DeliveryReport> SendAsync(ShareSource share, string name, CommandConsole console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Error.WriteLine($"[{name}] delivering the {Units.Words(share.Side)} share to the collector at {Endpoint.Peer}");
        return ShareDelivery.DeliverAsync(share, Endpoint, Settings, cancellation, AkkaLog.Configuration(console.LogFile));
    }

    /// <summary>The summary line's words for a delivery C acknowledged.</summary>
    public static string Describe(DeliveryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"share delivered to the collector at {report.Collector} ({Units.Count(report.Runs, "run")}, {Units.Bytes(report.Bytes)}, acknowledged after {Units.Duration(report.Elapsed)})";
    }
}
