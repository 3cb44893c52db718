using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Duet.Actors.Transport;

namespace Duet.Actors.Cluster;

/// <summary>What the runtime needs to know about a party that is an Akka.Cluster of its own nodes: one session node
/// (its party system founds the cluster and so is its oldest member; its peer-facing system holds the gateway and
/// session) and any number of worker nodes. The cluster has its own listeners, which accept the party's node pins only.</summary>
public static class PartyCluster
{
    /// <summary>The actor system name of a party's own system (its cluster, or a single node's local workers): never
    /// the peer-facing system's name, so no message addressed to one is delivered in the other.</summary>
    public const string SystemName = "duet-party";

    /// <summary>"HOST:PORT" the session node's cluster listens on for its worker nodes (their seed); never the peer's
    /// port. Empty: the peer-facing host on an ephemeral port.</summary>
    public const string ListenKey = "duet.cluster.listen";

    /// <summary>The cluster role of a worker node: only members with it are sent a session's set-up.</summary>
    public const string WorkerRole = "duet-worker";

    /// <summary>The cluster role of the session node.</summary>
    public const string SessionRole = "duet-session";

    /// <summary>The key that makes a party's session node a cluster member (<c>duet.cluster.enabled</c>).</summary>
    public const string EnabledKey = "duet.cluster.enabled";

    /// <summary>True when the actor system runs the cluster provider (a party of several nodes); a single-node party
    /// runs the remote provider and has only local workers.</summary>
    public static bool IsClustered(ActorSystem system) => ((ExtendedActorSystem)system).Provider is IClusterActorRefProvider;

    /// <summary>The cluster address of a node given as "host:port".</summary>
    public static Address AddressOf(string hostPort, bool tls)
    {
        var (host, port) = PartyEndpoint.ParseHostPort(hostPort, "seed");
        return new Address(tls ? "akka.ssl.tcp" : "akka.tcp", SystemName, host, port);
    }

    /// <summary>The party system of a session node: a cluster member with the session role on
    /// <c>duet.cluster.listen</c>, over TLS that accepts the party's node pins only.</summary>
    internal static ActorSystem StartSessionNode(PartyEndpoint endpoint, Config? extra)
    {
        var listen = (extra ?? Config.Empty).WithFallback(DuetConfig.Defaults).GetString(ListenKey, string.Empty);
        var (host, port) = string.IsNullOrWhiteSpace(listen) ? (endpoint.Host, 0) : PartyEndpoint.ParseHostPort(listen, ListenKey);
        if (endpoint.Port != 0 && port == endpoint.Port && host == endpoint.Host)
        {
            throw new ArgumentException($"{ListenKey} {listen} is the peer's address: a party's cluster listens on an address of its own.");
        }

        var system = StartNode(new PartyEndpoint(host, port) { Tls = endpoint.Tls }, SessionRole, agentPath: null, extra);
        if (PartyTls.Of(system) is { } tls)
        {
            system.ActorOf(MemberGuard.Props(tls), MemberGuard.Name);
        }

        return system;
    }

    /// <summary>The system of a worker node (<c>duet node</c>) on the endpoint, not joined yet.</summary>
    public static ActorSystem StartWorkerNode(PartyEndpoint endpoint, Config? extra)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return StartNode(endpoint, WorkerRole, $"/user/{TileNode.Name}", extra);
    }

    private static ActorSystem StartNode(PartyEndpoint node, string role, string? agentPath, Config? extra)
    {
        node.CheckPlaintextIsLoopback();
        var tls = node.Tls?.ForNodes();
        var listener = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = "{{node.Host}}"
            akka.remote.dot-netty.tcp.port = {{node.Port}}
            {{(tls is null ? "akka.remote.dot-netty.tcp.enable-ssl = off" : PartyTls.TransportConfig)}}
            akka.remote.untrusted-mode = on
            """);
        var config = MemberConfig(role, agentPath).WithFallback(listener).WithFallback(extra ?? Config.Empty).WithFallback(PartySystems.Quiet).WithFallback(DuetConfig.Defaults);
        return PartySystems.Start(SystemName, config, tls);
    }

    /// <summary>
    /// The provider and role of a member. The untrusted mode stays on: besides a worker node's agent a member accepts
    /// selections only to the two cluster daemons that gossip and heartbeats are sent to (and no remote deployment).
    /// </summary>
    private static Config MemberConfig(string role, string? agentPath)
    {
        var agent = agentPath is null ? string.Empty : $"\"{agentPath}\", ";
        return ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.cluster.roles = ["{{role}}"]
            akka.remote.trusted-selection-paths = [{{agent}}"/system/cluster/core/daemon", "/system/cluster/heartbeatReceiver"]
            """);
    }

    /// <summary>True when the configuration (over the defaults) makes this party's session node a cluster member.</summary>
    internal static bool Enabled(Config? config) => (config ?? Config.Empty).WithFallback(DuetConfig.Defaults).GetBoolean(EnabledKey);

    /// <summary>Bytes of one set-up part: a quarter of the transport frame, at most <see cref="SetupPart.PartBytes"/>.</summary>
    internal static int SetupPartBytes(ActorSystem system)
    {
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? SetupPart.PartBytes;
        return (int)Math.Clamp(frame / 4, 1024, SetupPart.PartBytes);
    }
}
