using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace Duet.Actors.Cluster;

/// <summary>
/// The entry point of a worker node (<c>duet node</c>): a member of its party's cluster that computes the tiles of
/// the party's sessions. It joins the session node, serves until cancelled (then leaves the cluster gracefully),
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

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> is cancelled: joins one of the seeds ("host:port"),
    /// reporting one line each time it cannot within the join timeout (and trying again), and starts over when the
    /// session node is gone.
    /// </summary>
    public static async Task ServeAsync(PartyEndpoint endpoint, IReadOnlyList<string> seeds, Config? extra, Action<string> report, CancellationToken cancellationToken)
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
        while (!cancellationToken.IsCancellationRequested)
        {
            var system = PartyCluster.StartWorkerNode(endpoint, extra);
            try
            {
                await ServeOnce(system, addresses, joinTimeout, report, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await Akka.Cluster.Cluster.Get(system).LeaveAsync().WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
                system.Dispose();
            }
        }
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
