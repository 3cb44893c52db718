using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Duet.Actors.Cluster;

namespace Duet.Actors.Tiles;

/// <summary>The coordinator on a party that is a cluster: ships the session's set-up once to every worker node that
/// is up (and to nodes that join later), suspends the workers of a node the cluster sees unreachable (their tiles
/// go back to the queue at once), and forgets the workers of a node that is removed.</summary>
internal sealed partial class TileCoordinator
{
    private readonly HashSet<Address> nodes = [];
    private readonly HashSet<Address> shipped = [];
    private List<SetupPart>? setup;

    private Akka.Cluster.Cluster? Party => PartyCluster.IsClustered(Context.System) ? Akka.Cluster.Cluster.Get(Context.System) : null;

    private void ClusterHandlers()
    {
        Receive<ShipSetup>(ship =>
        {
            setup = [.. ship.Setup.Parts(PartyCluster.SetupPartBytes(Context.System))];
            foreach (var node in nodes)
            {
                Ship(node);
            }
        });
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.HasRole(PartyCluster.WorkerRole) && !up.Member.Address.Equals(self) && nodes.Add(up.Member.Address))
            {
                Ship(up.Member.Address);
            }
        });
        Receive<ClusterEvent.UnreachableMember>(unreachable => Suspend(unreachable.Member.Address, true));
        Receive<ClusterEvent.ReachableMember>(reachable => Suspend(reachable.Member.Address, false));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var address = removed.Member.Address;
            nodes.Remove(address);
            shipped.Remove(address);
            foreach (var worker in workers.Where(w => w.Value.Node.Equals(address)).Select(w => w.Key).ToList())
            {
                LostWorker(worker);
            }
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    private void StartCluster() => Party?.Subscribe(
        Self,
        ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberUp),
        typeof(ClusterEvent.MemberRemoved),
        typeof(ClusterEvent.UnreachableMember),
        typeof(ClusterEvent.ReachableMember));

    private void StopCluster() => Party?.Unsubscribe(Self);

    private void Ship(Address node)
    {
        if (setup is null || !shipped.Add(node))
        {
            return;
        }

        log.Info("tile coordinator {0}: sending the session's set-up to {1} ({2} parts)", sessionId, node, setup.Count);
        var agent = Context.ActorSelection(new RootActorPath(node) / "user" / TileNode.Name);
        foreach (var part in setup)
        {
            agent.Tell(part);
        }
    }

    /// <summary>An unreachable node's workers get nothing and their tiles go to others at once; if the node comes back
    /// they pull again (late results of the tiles taken back are dropped as stale attempts).</summary>
    private void Suspend(Address node, bool suspended)
    {
        foreach (var state in workers.Values.Where(w => w.Node.Equals(node)))
        {
            state.Suspended = suspended;
            if (suspended)
            {
                TakeBack(state);
            }
        }

        if (suspended)
        {
            log.Warning("tile coordinator {0}: node {1} is unreachable", sessionId, node);
        }

        Dispatch();
    }

    /// <summary>From the session: the set-up every worker node needs for this session (Paillier sessions only).</summary>
    internal sealed record ShipSetup(NodeSetup Setup) : INoSerializationVerificationNeeded;
}
