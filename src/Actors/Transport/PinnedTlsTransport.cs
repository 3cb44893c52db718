using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport;

namespace Duet.Actors.Transport;

/// <summary>
/// The Akka.Remote transport of a party that uses TLS (docs/protocol.md §12): TCP, mutual TLS 1.2/1.3 with every
/// certificate checked against the party's pins (<see cref="PartyTls.Refusal"/>), and length-prefixed frames.
/// It reads the keys of <c>akka.remote.dot-netty.tcp</c> that a party sets (hostname, port, public-hostname,
/// maximum-frame-size, connection-timeout, socket buffer sizes) and keeps Akka's <c>akka.ssl.tcp</c> addresses; of
/// <c>duet.tls</c>, the first-byte deadline and the addresses whose handshakes have reserved slots (<see cref="HandshakeSlots"/>).
/// <para>Why not Akka's DotNetty transport: it stops the whole actor system (CoordinatedShutdown) whenever a TLS
/// handshake it starts as a client fails, for any reason. A worker node shutting down, or anyone on the network
/// closing a connection mid-handshake, could then stop a party's session node. Here a failed handshake fails that one
/// association, Akka gates the address and retries, and a refused certificate is reported to the run that called
/// (<see cref="PartyTls.Refused"/>).</para>
/// </summary>
internal sealed class PinnedTlsTransport : Akka.Remote.Transport.Transport
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    internal const string FirstByteTimeoutKey = "duet.tls.first-byte-timeout";

    internal const string ExpectedAddressesKey = "duet.tls.expected-addresses";
    private readonly PartyTls tls;
    private readonly SslStreamCertificateContext own;
    private readonly ILoggingAdapter log;
    private readonly string hostname;
    private readonly int port;
    private readonly string publicHostname;
    private readonly int? publicPort;
    private readonly TimeSpan connectionTimeout;
    private readonly TimeSpan firstByteTimeout;
    private readonly int sendBuffer;
    private readonly int receiveBuffer;
    private readonly TaskCompletionSource<IAssociationEventListener> listenerPromise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<TlsAssociation, byte> associations = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Throttle rejections = new(TimeSpan.FromSeconds(10));
    private readonly HandshakeSlots handshakes;
    private Socket? server;

    public PinnedTlsTransport(ActorSystem system, Config config)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(config);
        System = system;
        Config = config;
        tls = PartyTls.Of(system) ?? throw new ConfigurationException("the pinned TLS transport needs the party's TLS set-up (PartyTls)");
        own = SslStreamCertificateContext.Create(tls.Certificate, null, offline: true);
        log = Logging.GetLogger(system, typeof(PinnedTlsTransport));
        hostname = config.GetString("hostname", "") is { Length: > 0 } host ? host : IPAddress.Loopback.ToString();
        port = config.GetInt("port", 0);
        publicHostname = config.GetString("public-hostname", "") is { Length: > 0 } publicHost ? publicHost : hostname;
        publicPort = config.GetInt("public-port", 0) is > 0 and var p ? p : null;
        connectionTimeout = config.GetTimeSpan("connection-timeout", TimeSpan.FromSeconds(15));
        MaximumPayloadBytes = config.GetByteSize("maximum-frame-size") ?? 128_000;
        sendBuffer = (int)Math.Min(config.GetByteSize("send-buffer-size") ?? 256 * 1024, int.MaxValue);
        receiveBuffer = (int)Math.Min(config.GetByteSize("receive-buffer-size") ?? 256 * 1024, int.MaxValue);
        SchemeIdentifier = "ssl.tcp";
        var duet = system.Settings.Config.WithFallback(DuetConfig.Defaults);
        firstByteTimeout = new TypedConfig(duet).GetTimeSpan(FirstByteTimeoutKey) is { Ticks: > 0 } firstByte ? firstByte
            : throw new ConfigurationException($"{FirstByteTimeoutKey} must be longer than 0");
        handshakes = new HandshakeSlots(duet.GetStringList(ExpectedAddressesKey, []).Select(ExpectedAddress));
    }

    public override bool IsResponsibleFor(Address remote) => true;

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var endpoint = new IPEndPoint(await Resolve(hostname).ConfigureAwait(false), port);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(512);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new Akka.Remote.RemoteTransportException($"Failed to bind to [{endpoint}]: {error.Message}", error);
        }

        server = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _ = Task.Run(AcceptLoop);
        return (new Address(SchemeIdentifier, System.Name, publicHostname, publicPort ?? bound.Port), listenerPromise);
    }

    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        if (server is null || stopping.IsCancellationRequested)
        {
            throw new InvalidAssociationException("the TLS transport is not listening");
        }

        var remote = PartyEndpoint.HostPort(remoteAddress);
        Socket? socket = null;
        SslStream? stream = null;
        string? refusal = null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            limit.CancelAfter(connectionTimeout);
            var address = await Resolve(remoteAddress.Host!, limit.Token).ConfigureAwait(false);
            socket = NewSocket(address.AddressFamily);
            await socket.ConnectAsync(new IPEndPoint(address, remoteAddress.Port ?? 0), limit.Token).ConfigureAwait(false);
            stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = remoteAddress.Host,
                    ClientCertificateContext = own,
                    EnabledSslProtocols = Protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = ChainPolicy(),
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => (refusal = Check(certificate, remote, outbound: true)) is null,
                },
                limit.Token).ConfigureAwait(false);
            var link = Open(stream, LocalAddress(socket), remoteAddress, reason => RefusedByPeer(remote, reason))
                ?? throw new OperationCanceledException("the transport is shutting down");
            handshakes.Trust(address);
            return link;
        }
        catch (Exception error)
        {
            stream?.Dispose();
            socket?.Dispose();
            var why = refusal is not null ? $"refused: {refusal}"
                : error is OperationCanceledException && !stopping.IsCancellationRequested ? $"no TLS link within {connectionTimeout.TotalSeconds:0.#} s"
                : error.Message;
            log.Warning("TLS: no link to {0}: {1}", remote, why);
            throw new InvalidAssociationException($"TLS link to {remote} failed: {why}", error);
        }
    }

    public override async Task<bool> Shutdown()
    {
        // The listener first, so that nobody connects while the links close.
        await stopping.CancelAsync().ConfigureAwait(false);
        server?.Dispose();
        var closing = associations.Keys.Select(a => a.CloseAsync()).ToArray();
        var all = Task.WhenAll(closing);
        return await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) == all;
    }

    private async Task AcceptLoop()
    {
        var listener = await listenerPromise.Task.ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await server!.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException error) when (!stopping.IsCancellationRequested)
            {
                // Out of descriptors, say: wait a little rather than spin.
                rejections.Warn(log, $"TLS: accepting a connection failed: {error.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
                continue;
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var from = (accepted.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (handshakes.TryTake(from) is { } full)
            {
                rejections.Warn(log, $"TLS: closed a connection from {from}: {full}");
                accepted.Dispose();
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await Accept(accepted, listener).ConfigureAwait(false);
                }
                finally
                {
                    handshakes.Release(from);
                }
            });
        }
    }

    private async Task Accept(Socket socket, IAssociationEventListener listener)
    {
        var remote = "an unknown address";
        SslStream? stream = null;
        string? refusal = null;
        try
        {
            var from = (IPEndPoint)socket.RemoteEndPoint!;
            remote = $"{from.Address}:{from.Port}";
            Configure(socket);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            limit.CancelAfter(connectionTimeout);
            await FirstByte(socket, limit.Token).ConfigureAwait(false);
            stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await stream.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = own,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = Protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = ChainPolicy(),
                    // The pin check decides below, after the handshake, so that a refused caller can be told why: .NET
                    // sends no TLS alert when this callback refuses, and the caller would see only a closed link.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        refusal = Check(certificate, remote, outbound: false);
                        return true;
                    },

                    // Every link's certificate is checked on a full handshake, never carried over by a resumed session.
                    AllowTlsResume = false,
                },
                limit.Token).ConfigureAwait(false);
            if (refusal is not null)
            {
                // Nothing the caller sends is read or handed to Akka: it is told, and the link closes.
                await TlsAssociation.RefuseAsync(stream, refusal, limit.Token).ConfigureAwait(false);
                await stream.DisposeAsync().ConfigureAwait(false);
                return;
            }

            handshakes.Trust(from.Address);
            var local = LocalAddress(socket);
            if (Open(stream, local, new Address(SchemeIdentifier, System.Name, from.Address.ToString(), from.Port)) is { } handle)
            {
                listener.Notify(new InboundAssociation(handle));
            }
        }
        catch (Exception error)
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            if (refusal is null && !stopping.IsCancellationRequested)
            {
                rejections.Warn(log, $"TLS: rejected an incoming connection from {remote}: {error.Message}");
            }
        }
    }

    /// <summary>Waits for the client's first byte (a TLS client speaks first), for at most the first-byte deadline: a
    /// connection that sends nothing gives its handshake slot back long before the handshake's own timeout.</summary>
    /// <exception cref="IOException">Nothing came in time, or the connection closed.</exception>
    private async Task FirstByte(Socket socket, CancellationToken handshake)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(handshake);
        limit.CancelAfter(firstByteTimeout);
        try
        {
            if (await socket.ReceiveAsync(new byte[1], SocketFlags.Peek, limit.Token).ConfigureAwait(false) == 0)
            {
                throw new IOException("it closed the connection before its TLS hello");
            }
        }
        catch (OperationCanceledException) when (!handshake.IsCancellationRequested)
        {
            throw new IOException($"it sent nothing within {firstByteTimeout.TotalSeconds:0.#} s");
        }
    }

    private static IPAddress ExpectedAddress(string text) => IPAddress.TryParse(text, out var address) ? address
        : throw new ConfigurationException($"{ExpectedAddressesKey}: '{text}' is not an IP address");

    /// <summary>
    /// The peer's chain is built before the pin check: never from the network. By default .NET fetches missing issuers
    /// from addresses in the certificate, which would let any client make this node fetch a URL of its choosing.
    /// </summary>
    // This end of a connection, as Akka names it: the public host name and the socket's own port.
    private Address LocalAddress(Socket socket) => new(SchemeIdentifier, System.Name, publicHostname, ((IPEndPoint)socket.LocalEndPoint!).Port);

    private static X509ChainPolicy ChainPolicy() => new() { DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck };

    /// <summary>Null when the certificate is accepted; otherwise why not, logged and reported to the party.</summary>
    private string? Check(X509Certificate? certificate, string remote, bool outbound)
    {
        // Chain and name errors are expected for self-signed certificates: the pin is the trust decision.
        var refusal = tls.Refusal(certificate as X509Certificate2, DateTimeOffset.UtcNow);
        if (refusal is null)
        {
            return null;
        }

        // A link this node opened is its own configuration's error; incoming ones are anybody's, so their lines are few.
        if (outbound)
        {
            log.Error("TLS: refused the link to {0}: {1}", remote, refusal);
        }
        else
        {
            rejections.Warn(log, $"TLS: refused an incoming link from {remote}: {refusal}");
        }

        tls.Report(new LinkRefusal(remote, refusal) { Outbound = outbound });

        return refusal;
    }

    /// <summary>The pinned listener this node called refused this node's certificate, and said why
    /// (<see cref="TlsAssociation.RefuseAsync"/>): a configuration error that no retry mends.</summary>
    private void RefusedByPeer(string remote, string reason)
    {
        var refusal = new LinkRefusal(remote, $"{tls.Fingerprint}; it says: {reason}") { Outbound = true, ByPeer = true };
        log.Error("TLS: {0}", refusal);
        tls.Report(refusal);
    }

    /// <summary>The link as Akka's handle, or null (and closed) when the transport is shutting down.</summary>
    /// <param name="refusedByPeer">On a link this node opened: called when the listener's first words are a refusal of
    /// this node's certificate.</param>
    private TlsAssociation? Open(SslStream stream, Address local, Address remote, Action<string>? refusedByPeer = null)
    {
        var association = new TlsAssociation(stream, local, remote, (int)MaximumPayloadBytes, connectionTimeout, log, closed => associations.TryRemove(closed, out _), refusedByPeer);
        associations[association] = 0;
        if (stopping.IsCancellationRequested)
        {
            // Shutdown may have listed the links before this one was added.
            association.End();
            return null;
        }

        association.Start();
        return association;
    }

    private Socket NewSocket(AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        Configure(socket);
        return socket;
    }

    private void Configure(Socket socket)
    {
        socket.NoDelay = true;
        socket.SendBufferSize = sendBuffer;
        socket.ReceiveBufferSize = receiveBuffer;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
    }

    private static async Task<IPAddress> Resolve(string host, CancellationToken cancellation = default)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellation).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }
}
