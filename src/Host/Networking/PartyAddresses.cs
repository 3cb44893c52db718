using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Cluster;
using Duet.Host.Configuration;

namespace Duet.Host.Networking;

/// <summary>
/// Where <c>duet party</c> listens and whom it calls, from the options and the configuration, with what would only
/// fail later (a port another process holds, a wildcard address the peer cannot be told) refused at the start.
/// </summary>
internal static class PartyAddresses
{
    public const string ListenKey = "duet.party.listen";
    public const string PeerKey = "duet.party.peer";
    public const string PublicHostnameKey = "akka.remote.dot-netty.tcp.public-hostname";

    /// <summary>Listen where asked; a party that only calls listens on an ephemeral port of the address that reaches the peer.</summary>
    public static PartyEndpoint Endpoint(Config file, string? listenOption, string? peerOption)
    {
        var listen = listenOption ?? file.GetString(ListenKey, null);
        var peer = peerOption ?? file.GetString(PeerKey, null);
        if (string.IsNullOrWhiteSpace(listen) && string.IsNullOrWhiteSpace(peer))
        {
            throw new UsageException($"give --listen HOST:PORT to wait for the peer or --peer HOST:PORT to call it ({ListenKey} / {PeerKey} in the configuration)");
        }

        if (!string.IsNullOrWhiteSpace(peer))
        {
            _ = PartyEndpoint.ParseHostPort(peer, peerOption is null ? PeerKey : "--peer");
        }
        else
        {
            peer = null;
        }

        if (!string.IsNullOrWhiteSpace(listen))
        {
            var source = listenOption is null ? ListenKey : "--listen";
            var (host, port) = PartyEndpoint.ParseHostPort(listen, source);
            if (IsWildcard(host) && string.IsNullOrWhiteSpace(file.GetString(PublicHostnameKey, null)))
            {
                throw new UsageException(
                    $"{source} {listen}: a wildcard address cannot be told to the peer; set {PublicHostnameKey} to the name or address the peer calls, or listen on that address");
            }

            return new PartyEndpoint(host, port, peer);
        }

        var (peerHost, _) = PartyEndpoint.ParseHostPort(peer!, "--peer");
        return new PartyEndpoint(LocalAddressToward(peerHost), 0, peer);
    }

    /// <summary>Where a clustered party's own cluster listens for its worker nodes (null for a party of one node): an
    /// address of its own, never the peer's, and free now.</summary>
    public static string? ClusterListen(Config file, PartyEndpoint peerFacing)
    {
        if (!file.WithFallback(DuetConfig.Defaults).GetBoolean(PartyCluster.EnabledKey))
        {
            return null;
        }

        var listen = file.GetString(PartyCluster.ListenKey, null);
        if (string.IsNullOrWhiteSpace(listen))
        {
            throw new UsageException($"a party with {PartyCluster.EnabledKey} = on needs {PartyCluster.ListenKey} = \"HOST:PORT\": where its worker nodes join (their seed), apart from the peer's address");
        }

        var (host, port) = PartyEndpoint.ParseHostPort(listen, PartyCluster.ListenKey);
        if (port == 0 || (port == peerFacing.Port && host == peerFacing.Host))
        {
            throw new UsageException($"{PartyCluster.ListenKey} {listen}: give a fixed port of its own (the worker nodes' seed), not the peer's address");
        }

        CheckPortIsFree(new PartyEndpoint(host, port), PartyCluster.ListenKey);
        return listen;
    }

    /// <summary>Fails at once when another process (a stale <c>duet party</c>, say) already listens on the port.</summary>
    public static void CheckPortIsFree(PartyEndpoint endpoint, string source)
    {
        if (endpoint.Port == 0)
        {
            return;
        }

        IPAddress address;
        try
        {
            address = IPAddress.TryParse(endpoint.Host, out var parsed) ? parsed : Dns.GetHostAddresses(endpoint.Host)[0];
        }
        catch (Exception error) when (error is SocketException or IndexOutOfRangeException)
        {
            throw new UsageException($"{source} {endpoint.Host}:{endpoint.Port}: cannot resolve {endpoint.Host} ({error.Message})", error);
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, endpoint.Port));
            socket.Listen(1);
        }
        catch (SocketException error)
        {
            throw new UsageException(error.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"{source} {endpoint.Host}:{endpoint.Port}: the port is in use (another duet party still running?); stop that process or choose another port"
                : $"{source} {endpoint.Host}:{endpoint.Port}: cannot listen there ({error.Message})", error);
        }
    }

    private static bool IsWildcard(string host) =>
        IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    /// <summary>The local address the system would use to reach the host (a UDP connect sends nothing).</summary>
    internal static string LocalAddressToward(string host, string source = "--peer")
    {
        try
        {
            var address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host)[0];
            if (IPAddress.IsLoopback(address))
            {
                return address.ToString();
            }

            using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(address, 9);
            return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (Exception error) when (error is SocketException or IndexOutOfRangeException)
        {
            throw new UsageException($"{source} {host}: cannot find a route to this host ({error.Message})", error);
        }
    }
}
