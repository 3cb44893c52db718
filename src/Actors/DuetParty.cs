using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;

namespace Duet.Actors;

/// <summary>Where a party listens, and whom it calls: a party with no peer waits to be called.</summary>
public sealed record PartyEndpoint(string Host, int Port, string? Peer = null)
{
    /// <summary>The actor system name shared by every Duet party.</summary>
    public const string SystemName = "duet";

    /// <summary>The path of the gateway that accepts sessions.</summary>
    public const string GatewayName = "gateway";

    /// <summary>Parses "host:port" as given on a command line, naming the option on failure.</summary>
    public static (string Host, int Port) ParseHostPort(string text, string option)
    {
        var colon = (text ?? string.Empty).LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"{option} '{text}' is not HOST:PORT.");
        }

        return (text[..colon].Trim('[', ']'), port);
    }

    internal string GatewayPath() => GatewayPath(Peer!);

    internal static string GatewayPath(string peer)
    {
        var (host, port) = ParseHostPort(peer, "peer");
        return $"akka.tcp://{SystemName}@{host}:{port}/user/{GatewayName}";
    }
}

/// <summary>The entry point of the runtime for a host: one call runs one party of one session.</summary>
public static class DuetParty
{
    /// <summary>
    /// Starts this party's actor system on the endpoint, runs one session with the peer (calling it, or waiting to be
    /// called), and returns this party's share, or throws <see cref="SessionAbortedException"/> naming the reason.
    /// </summary>
    public static async Task<PartyResult> RunAsync(
        PartySettings settings,
        Matrix<long> matrix,
        PartyEndpoint endpoint,
        IProgress<PartyProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Config? extraConfig = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(endpoint);
        settings.Validate();
        FixedPoint.CheckBounds(matrix, settings.InputBits, $"{settings.Side.ToString().ToLowerInvariant()} operand");

        using var system = ActorSystem.Create(PartyEndpoint.SystemName, SystemConfig(endpoint, extraConfig));
        try
        {
            return await RunOn(system, settings, matrix, endpoint.Peer is null ? null : endpoint.GatewayPath(), progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        }
    }

    /// <summary>The actor path of the gateway of a peer given as "host:port".</summary>
    public static string GatewayPathFor(string peer) => PartyEndpoint.GatewayPath(peer);

    /// <summary>Runs one session on an actor system the caller owns (tests stop it mid-session).</summary>
    internal static async Task<PartyResult> RunOn(
        ActorSystem system, PartySettings settings, Matrix<long> matrix, string? peerGatewayPath, IProgress<PartyProgress>? progress, CancellationToken cancellationToken)
    {
        var job = new SessionJob(settings, matrix, progress);
        var gateway = system.ActorOf(Props.Create(() => new Gateway(job)), PartyEndpoint.GatewayName);
        if (peerGatewayPath is not null)
        {
            gateway.Tell(new Gateway.Call(peerGatewayPath));
        }

        await using (cancellationToken.Register(() => gateway.Tell(Gateway.Cancel.Instance)))
        {
            return await job.Completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Remoting on the endpoint's host and port, in front of the embedded defaults.</summary>
    public static Config SystemConfig(PartyEndpoint endpoint, Config? extra = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var remoting = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.remote.dot-netty.tcp.hostname = "{{endpoint.Host}}"
            akka.remote.dot-netty.tcp.port = {{endpoint.Port}}
            """);
        var config = extra is null ? remoting : extra.WithFallback(remoting);
        return config.WithFallback(DuetConfig.Defaults);
    }
}
