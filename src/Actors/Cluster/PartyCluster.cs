using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace Duet.Actors.Cluster;

/// <summary>What the runtime needs to know about a party that is an Akka.Cluster of its own nodes: one session node
/// (gateway and session, the cluster's founder and so its oldest member) and any number of worker nodes.</summary>
public static class PartyCluster
{
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
        return new Address(tls ? "akka.ssl.tcp" : "akka.tcp", PartyEndpoint.SystemName, host, port);
    }

    /// <summary>
    /// The provider and role of a member. The untrusted mode stays on: besides its own agent path a member accepts
    /// selections only to the two cluster daemons that gossip and heartbeats are sent to (and no remote deployment).
    /// </summary>
    internal static Config MemberConfig(string role, string agentPath) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.cluster.roles = ["{{role}}"]
        akka.remote.trusted-selection-paths = ["{{agentPath}}", "/system/cluster/core/daemon", "/system/cluster/heartbeatReceiver"]
        """);

    /// <summary>True when the configuration (over the defaults) makes this party's session node a cluster member.</summary>
    internal static bool Enabled(Config? config) => (config ?? Config.Empty).WithFallback(DuetConfig.Defaults).GetBoolean(EnabledKey);

    /// <summary>Bytes of one set-up part: a quarter of the transport frame, at most <see cref="SetupPart.PartBytes"/>.</summary>
    internal static int SetupPartBytes(ActorSystem system)
    {
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? SetupPart.PartBytes;
        return (int)Math.Clamp(frame / 4, 1024, SetupPart.PartBytes);
    }
}
