using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;

namespace Duet.Actors.Tiles;

/// <summary>The coordinator on a party that is a cluster: attests every member (<see cref="NodeAttestation"/>; over
/// TLS only, an --insecure party has no certificates to attest with), ships the session's set-up once to every attested
/// worker node that is up (and to nodes that join later), suspends the workers of a node the cluster sees unreachable (their tiles
/// go back to the queue at once), and forgets the workers of a node that is removed.</summary>
internal sealed partial class TileCoordinator : IWithTimers
{
    private readonly HashSet<Address> nodes = [];
    private readonly Dictionary<Address, Shipment> shipped = [];
    private readonly HashSet<Address> attested = [];
    private Attestations? attestations;
    private List<SetupPart>? setup;

    public ITimerScheduler Timers { get; set; } = null!;

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
        Receive<ClusterEvent.MemberUp>(up => Challenge(up.Member), up => !up.Member.Address.Equals(self));
        Receive<AttestAnswer>(answer =>
        {
            if (attestations?.Judge(Sender.Path.Address, answer) is { } member)
            {
                Admit(member);
            }
        });
        Receive<SetupAck>(
            ack =>
            {
                var shipment = shipped[Sender.Path.Address];
                shipment.Acked++;
                Send(Sender.Path.Address, shipment);
            },
            ack => ack.SessionId == sessionId && shipped.TryGetValue(Sender.Path.Address, out var shipment) && ack.Part == shipment.Acked);
        Receive<Attestations.Expired>(expired => attestations?.Expire(expired.Node));
        Receive<ClusterEvent.UnreachableMember>(unreachable => Suspend(unreachable.Member.Address, true));
        Receive<ClusterEvent.ReachableMember>(reachable => Suspend(reachable.Member.Address, false));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var address = removed.Member.Address;
            nodes.Remove(address);
            shipped.Remove(address);
            attested.Remove(address);
            attestations?.Forget(address);
            foreach (var worker in workers.Where(w => w.Value.Node.Equals(address)).Select(w => w.Key).ToList())
            {
                LostWorker(worker);
            }
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    private void StartCluster()
    {
        attestations = PartyTls.Of(Context.System) is not { } tls ? null : new Attestations(sessionId, tls, self, Context.System, log, $"tile coordinator {sessionId}");
        Party?.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp),
            typeof(ClusterEvent.MemberRemoved),
            typeof(ClusterEvent.UnreachableMember),
            typeof(ClusterEvent.ReachableMember));
    }

    private void StopCluster() => Party?.Unsubscribe(Self);

    /// <summary>Asks a new member to attest (over TLS); an --insecure party admits it as before.</summary>
    private void Challenge(Member member)
    {
        if (attestations is null)
        {
            Admit(member);
            return;
        }

        attestations.Challenge(member, Self, Timers);
    }

    private void Admit(Member member)
    {
        if (distrusted.Contains(member.Address))
        {
            return;
        }

        attested.Add(member.Address);
        if (member.HasRole(PartyCluster.WorkerRole) && nodes.Add(member.Address))
        {
            Ship(member.Address);
        }
    }

    /// <summary>True when a worker on <paramref name="node"/> may register: this node, or an attested member.</summary>
    private bool MayRegister(Address node)
    {
        if (distrusted.Contains(node))
        {
            return false;
        }

        if (node.HasLocalScope || node.Equals(self) || attested.Contains(node))
        {
            return true;
        }

        // Not downed: the registration's sender is not authenticated, so it may be forged in an honest node's name.
        attestations?.Ignored(node, "a worker registration from a node that is not attested");
        return false;
    }

    private void Ship(Address node)
    {
        if (setup is null || shipped.ContainsKey(node))
        {
            return;
        }

        log.Info("tile coordinator {0}: sending the session's set-up to {1} ({2} parts)", sessionId, node, setup.Count);
        Send(node, shipped[node] = new Shipment());
    }

    /// <summary>Sends the parts the window allows: at most <see cref="SetupPart.Window"/> not yet acknowledged.</summary>
    private void Send(Address node, Shipment shipment)
    {
        var agent = Context.ActorSelection(new RootActorPath(node) / "user" / TileNode.Name);
        while (shipment.Sent < setup!.Count && shipment.Sent < shipment.Acked + SetupPart.Window)
        {
            agent.Tell(setup[shipment.Sent++]);
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

    /// <summary>The set-up parts sent to a node, and those it acknowledged.</summary>
    private sealed class Shipment
    {
        public int Sent { get; set; }

        public int Acked { get; set; }
    }

    /// <summary>From the session: the set-up every worker node needs for this session (Paillier sessions only).</summary>
    internal sealed record ShipSetup(NodeSetup Setup) : INoSerializationVerificationNeeded;
}
