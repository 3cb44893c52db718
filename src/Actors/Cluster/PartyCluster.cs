using Akka.Actor;
using Akka.Cluster;

namespace Duet.Actors.Cluster;

/// <summary>What the runtime needs to know about a party that is an Akka.Cluster of its own nodes.</summary>
public static class PartyCluster
{
    /// <summary>The cluster role of a worker node: only members with it are sent a session's set-up.</summary>
    public const string WorkerRole = "duet-worker";

    /// <summary>True when the actor system runs the cluster provider (a party of several nodes); a single-node party
    /// runs the remote provider and has only local workers.</summary>
    public static bool IsClustered(ActorSystem system) => ((ExtendedActorSystem)system).Provider is IClusterActorRefProvider;

    /// <summary>Bytes of one set-up part: a quarter of the transport frame, at most <see cref="SetupPart.PartBytes"/>.</summary>
    internal static int SetupPartBytes(ActorSystem system)
    {
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? SetupPart.PartBytes;
        return (int)Math.Clamp(frame / 4, 1024, SetupPart.PartBytes);
    }
}
