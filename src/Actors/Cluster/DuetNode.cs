using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace Duet.Actors.Cluster;

/// <summary>
/// The entry point of a worker node (<c>duet node</c>): a member of its party's cluster that computes the tiles of
/// the party's sessions. It joins the session node, serves until cancelled (then leaves the cluster if a member),
/// and when the session node is gone (its <c>duet party</c> ended) starts over with a fresh actor system and joins
/// the next one. It never holds a share and writes nothing.
/// </summary>
public static class DuetNode
{
    /// <summary>Starts the node's agent on an actor system that is (or will be) a member of the party's cluster.</summary>
    public static IActorRef Start(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!PartyCluster.IsClustered(system))
        {
            throw new ArgumentException("a worker node runs the cluster provider (akka.actor.provider = cluster)", nameof(system));
        }

        return system.ActorOf(TileNode.Props(), TileNode.Name);
    }

    /// <summary>How long a node that is a member waits, when stopped, for the cluster to confirm that it left.</summary>
    private static readonly TimeSpan LeaveBound = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> is cancelled: joins one of the seeds ("host:port"),
    /// reporting one line each time it cannot within the join timeout (and trying again), and starts over when the
    /// session node is gone. Says how it stopped: a member leaves the cluster (for a few seconds at most), a node that
    /// never joined just shuts down.
    /// </summary>
    public static async Task<NodeStop> ServeAsync(PartyEndpoint endpoint, IReadOnlyList<string> seeds, Config? extra, Action<string> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(report);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("a worker node needs the address of its party's session node (duet.cluster.seed-nodes or --seed)", nameof(seeds));
        }

        var addresses = seeds.Select(seed => PartyCluster.AddressOf(seed, endpoint.Tls is not null)).ToList();
        var joinTimeout = (extra ?? Config.Empty).WithFallback(DuetConfig.Defaults).GetTimeSpan("duet.cluster.join-timeout");
        var stop = NodeStop.BeforeJoining;
        while (!cancellationToken.IsCancellationRequested)
        {
            var system = PartyCluster.StartWorkerNode(endpoint, extra);
            try
            {
                await ServeOnce(system, addresses, joinTimeout, report, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                stop = await Stop(system).ConfigureAwait(false);
            }
        }

        return stop;
    }

    /// <summary>Leaves the cluster if this node is a member (within <see cref="LeaveBound"/>), then shuts down.</summary>
    private static async Task<NodeStop> Stop(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var member = cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining;
        var stop = NodeStop.BeforeJoining;
        if (member)
        {
            var leave = cluster.LeaveAsync();
            stop = await Task.WhenAny(leave, Task.Delay(LeaveBound)).ConfigureAwait(false) == leave ? NodeStop.Left : NodeStop.LeaveUnconfirmed;
        }

        // A node that never joined has nothing to hand over: its shutdown's cluster phases are not waited for.
        var shutdown = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Task.WhenAny(shutdown, Task.Delay(member ? TimeSpan.FromSeconds(5) : LeaveBound)).ConfigureAwait(false);
        system.Dispose();
        return stop;
    }

    /// <summary>One membership: join, serve while a session node is a member, return when it is gone or on cancel.</summary>
    private static async Task ServeOnce(ActorSystem system, IReadOnlyList<Address> seeds, TimeSpan joinTimeout, Action<string> report, CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.RegisterOnMemberRemoved(() => gone.TrySetResult());
        Start(system);
        system.ActorOf(Props.Create(() => new SessionNodeWatch(gone, report)), "session-node-watch");
        cluster.JoinSeedNodes(seeds);
        while (await Task.WhenAny(up.Task, Task.Delay(joinTimeout, cancellationToken)).ConfigureAwait(false) != up.Task)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            report($"cannot reach the party's session node at {string.Join(", ", seeds)} yet; still trying");
        }

        report($"joined the party's cluster as {cluster.SelfAddress}");
        await Task.WhenAny(gone.Task, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        if (gone.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            report("this node was removed from the party's cluster (the session node ended, or refused this node: its log says why); joining it again");
        }
    }

    /// <summary>Completes <paramref name="gone"/> when the last session node leaves or is removed, and passes the node
    /// agent's lines (sessions served and left) to the operator's console.</summary>
    private sealed class SessionNodeWatch : ReceiveActor
    {
        public SessionNodeWatch(TaskCompletionSource gone, Action<string> report)
        {
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            Receive<TileNode.NodeReport>(node => report(node.Line));
            Context.System.EventStream.Subscribe(Self, typeof(TileNode.NodeReport));
            Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(
                _ => gone.TrySetResult(),
                removed => removed.Member.HasRole(PartyCluster.SessionRole) && !cluster.State.Members.Any(m => m.HasRole(PartyCluster.SessionRole) && !m.Equals(removed.Member)));
            ReceiveAny(_ => { });
            cluster.Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
            Context.GetLogger().Debug("duet node: watching the session node");
        }
    }
}

/// <summary>How a worker node stopped.</summary>
public enum NodeStop
{
    /// <summary>It was not a member of the party's cluster (it never reached the session node, or was removed).</summary>
    BeforeJoining,

    /// <summary>It left the cluster, which confirmed it.</summary>
    Left,

    /// <summary>It asked to leave, and the cluster did not confirm in time: the session node will remove it as unreachable.</summary>
    LeaveUnconfirmed,
}
