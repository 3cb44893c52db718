using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.Transport;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;

namespace Duet.Actors;

/// <summary>
/// Where a party listens, whom it calls (a party with no peer waits to be called), and how its links are secured:
/// mutual TLS with pinned certificates, or plaintext, which only loopback addresses may use.
/// </summary>
public sealed record PartyEndpoint(string Host, int Port, string? Peer = null)
{
    /// <summary>Mutual TLS of the party's links; null for plaintext on loopback only.</summary>
    public PartyTls? Tls { get; init; }

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

    internal string GatewayPath() => GatewayPath(Peer!, Tls is not null);

    /// <summary>"host:port" of an Akka address, as the TLS transport names the links it refuses.</summary>
    internal static string HostPort(Address address) => $"{address.Host}:{address.Port}";

    internal static string GatewayPath(string peer, bool tls)
    {
        var (host, port) = ParseHostPort(peer, "peer");
        return $"akka{(tls ? ".ssl" : string.Empty)}.tcp://{SystemName}@{host}:{port}/user/{GatewayName}";
    }

    /// <summary>Refuses a plaintext endpoint whose listening or peer address is not loopback.</summary>
    public void CheckPlaintextIsLoopback()
    {
        if (Tls is not null)
        {
            return;
        }

        foreach (var host in Peer is null ? [Host] : new[] { Host, ParseHostPort(Peer, "peer").Host })
        {
            if (!IsLoopback(host))
            {
                throw new ArgumentException($"{host} is not a loopback address: plaintext links are refused there; configure TLS (duet certs, --cert, --pin).");
            }
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}

/// <summary>The entry point of the runtime for a host: one call runs one party of one session.</summary>
public static class DuetParty
{
    /// <summary>
    /// Starts this party's actor system on the endpoint, runs one session with the peer (calling it, or waiting to be
    /// called), and returns this party's share, or throws <see cref="SessionAbortedException"/> naming the reason.
    /// </summary>
    /// <param name="prepareOutputs">Optional: writes the result where it will be committed (temporary files), after
    /// the peer's transcript checked and before this party confirms; when it throws, both parties abort, so neither
    /// reports success unless both could write. The caller commits (renames) after this method returns.</param>
    /// <param name="shareSink">Optional: streams this party's share to the sink as tiles finish instead of returning
    /// it (<see cref="PartyResult.Share"/> is then null); revealed to the peer, the share is read back from it.</param>
    /// <param name="journal">Optional, with <paramref name="shareSink"/>: records what resuming an interrupted run needs;
    /// required when <see cref="PartySettings.Resume"/> is set.</param>
    /// <param name="peerShareSink">With <paramref name="shareSink"/>, required when the product is revealed to this party:
    /// receives the peer's revealed share (<see cref="PartyResult.Product"/> is then null: the host adds the two sinks).</param>
    public static Task<PartyResult> RunAsync(
        PartySettings settings,
        Matrix<long> matrix,
        PartyEndpoint endpoint,
        IProgress<PartyProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Config? extraConfig = null,
        Action<PartyResult>? prepareOutputs = null,
        IShareSink? shareSink = null,
        ISessionJournal? journal = null,
        IShareSink? peerShareSink = null) =>
        RunAsync(settings, new MatrixRows(matrix), endpoint, progress, cancellationToken, extraConfig, prepareOutputs, shareSink, journal, peerShareSink);

    /// <summary>Runs one session as <see cref="RunAsync(PartySettings, Matrix{long}, PartyEndpoint, IProgress{PartyProgress}?, CancellationToken, Config?, Action{PartyResult}?, IShareSink?, ISessionJournal?, IShareSink?)"/>
    /// does, on an operand read by rows: the evaluator reads each tile's rows of its own operand as the tile goes out
    /// (unless the canonical form is its transpose), the encryptor and a BFV session read it whole. Every entry read is
    /// checked against the declared bound (a matrix held in memory once, here).</summary>
    public static async Task<PartyResult> RunAsync(
        PartySettings settings,
        IOperandRows operand,
        PartyEndpoint endpoint,
        IProgress<PartyProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Config? extraConfig = null,
        Action<PartyResult>? prepareOutputs = null,
        IShareSink? shareSink = null,
        ISessionJournal? journal = null,
        IShareSink? peerShareSink = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(operand);
        ArgumentNullException.ThrowIfNull(endpoint);
        settings.Validate();
        if ((peerShareSink is not null) != (shareSink is not null && settings.Reveal.ReachesSide(settings.Side)))
        {
            throw new ArgumentException("a streamed share (shareSink) revealed to this party needs a sink for the peer's share (peerShareSink), and only then", nameof(peerShareSink));
        }

        if ((journal is not null && shareSink is null) || (settings.Resume is not null && journal is null))
        {
            throw new ArgumentException("a journal needs a streamed share (shareSink), and a resume needs a journal", nameof(journal));
        }

        var name = $"{settings.Side.ToString().ToLowerInvariant()} operand";
        if (operand is MatrixRows held)
        {
            FixedPoint.CheckBounds(held.Matrix, settings.InputBits, name);
        }
        else
        {
            operand = new BoundedRows(operand, settings.InputBits, name);
        }

        endpoint.CheckPlaintextIsLoopback();

        var systems = PartySystems.Create(endpoint, extraConfig);
        var job = new SessionJob(settings, operand, progress, prepareOutputs, shareSink, journal, peerShareSink, systems.Party);
        try
        {
            await systems.JoinClusterAsync(cancellationToken).ConfigureAwait(false);
            return await RunJob(systems, job, endpoint.Peer is null ? null : endpoint.GatewayPath(), cancellationToken, endpoint.Tls).ConfigureAwait(false);
        }
        finally
        {
            await systems.ShutdownAsync().ConfigureAwait(false);

            // A worker ends its tile even after its system stopped (CoordinatedShutdown's terminate phase may time out):
            // the caller gets its key (PartySettings.Key) back only once no lease on the session's kit is left.
            if (job.Tiles is { } tiles)
            {
                await tiles.Disposal.ConfigureAwait(false);
            }
        }
    }

    /// <summary>The actor path of the gateway of a peer given as "host:port".</summary>
    public static string GatewayPathFor(string peer, bool tls = false) => PartyEndpoint.GatewayPath(peer, tls);

    /// <summary>A remote actor system on the endpoint (the peer-facing system of a party, or a delivery's link), with
    /// its TLS set-up when the endpoint has one.</summary>
    internal static ActorSystem CreateSystem(PartyEndpoint endpoint, Config? extraConfig) =>
        PartySystems.Start(PartyEndpoint.SystemName, SystemConfig(endpoint, extraConfig), endpoint.Tls);

    /// <summary>Runs one session on an actor system the caller owns (tests stop it mid-session).</summary>
    internal static Task<PartyResult> RunOn(
        PartySystems systems, PartySettings settings, IOperandRows operand, string? peerGatewayPath, IProgress<PartyProgress>? progress, CancellationToken cancellationToken, PartyTls? tls = null, Action<PartyResult>? prepareOutputs = null, IShareSink? shareSink = null, ISessionJournal? journal = null, IShareSink? peerShareSink = null) =>
        RunJob(systems, new SessionJob(settings, operand, progress, prepareOutputs, shareSink, journal, peerShareSink, systems.Party), peerGatewayPath, cancellationToken, tls);

    private static async Task<PartyResult> RunJob(PartySystems systems, SessionJob job, string? peerGatewayPath, CancellationToken cancellationToken, PartyTls? tls)
    {
        var system = systems.Peer;

        // A refused peer certificate is a configuration error that no retry mends: the run ends with it at once.
        using var refused = peerGatewayPath is null ? null : tls?.OnCalleeRefused(peerGatewayPath, refusal => job.Completion.TrySetException(new LinkRefusedException(refusal)));
        _ = Task.WhenAny(system.WhenTerminated, systems.Party.WhenTerminated).ContinueWith(
            _ => job.Completion.TrySetException(new SessionAbortedException(AbortReason.Internal, "the party's actor system stopped before the session finished", raisedByPeer: false)),
            TaskScheduler.Default);
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

    /// <summary>The peer-facing system's configuration: remoting on the endpoint's host and port, in front of the
    /// embedded defaults. Whatever <paramref name="extra"/> says, it runs the remote provider and decodes only the
    /// peer protocol: a party's cluster lives in its other system (<see cref="PartySystems"/>).</summary>
    public static Config SystemConfig(PartyEndpoint endpoint, Config? extra = null)
    {
        const string PeerJson = $"{nameof(Duet)}.{nameof(Actors)}.{nameof(Wire)}.{nameof(PeerFacingJsonSerializer)}, Duet.Actors";
        ArgumentNullException.ThrowIfNull(endpoint);
        var peerFacing = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{{endpoint.Host}}"
            akka.remote.dot-netty.tcp.port = {{endpoint.Port}}
            {{(endpoint.Tls is null ? "akka.remote.dot-netty.tcp.enable-ssl = off" : PartyTls.TransportConfig)}}
            # The peer reaches the gateway only: no remote deployment, no system messages, no selections elsewhere.
            akka.remote.untrusted-mode = on
            akka.remote.trusted-selection-paths = ["/user/{{PartyEndpoint.GatewayName}}"]
            {{DuetSerializer.PeerOnlyKey}} = on
            akka.actor.serializers.json = "{{PeerJson}}"
            akka.actor.serialization-identifiers { "{{PeerJson}}" = 1 }
            """);
        return peerFacing.WithFallback(extra ?? Config.Empty).WithFallback(PartySystems.Quiet).WithFallback(DuetConfig.Defaults);
    }
}
