using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;

namespace Duet.Actors.Tests;

/// <summary>A party of one session node and worker nodes, each its own ActorSystem on a loopback port, joined with
/// Cluster.JoinAsync; the peer is another such party or a single node.</summary>
internal sealed class ClusterParty : IAsyncDisposable
{
    /// <summary>Cluster settings for tests: small test keys accepted, failure detection and downing in a few seconds.</summary>
    public static readonly Config Test = ConfigurationFactory.ParseString("""
        duet.cluster.enabled = on
        duet.workers = 1
        duet.session.min-key-bits = 1024
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    // The most log lines kept for a failing test's message.
    internal const int LogLines = 400;

    private readonly List<ActorSystem> workers = [];
    private readonly ConcurrentQueue<string> log = new();
    private readonly Config config;

    private readonly Func<int, PartyTls?> tls;

    private ClusterParty(PartySystems sessionNode, Config config, Func<int, PartyTls?> tls)
    {
        SessionNode = sessionNode;
        this.config = config;
        this.tls = tls;
    }

    /// <summary>The session node's two systems: the peer-facing one and its cluster member.</summary>
    public PartySystems SessionNode { get; }

    /// <summary>The session node's member of the party's cluster.</summary>
    public ActorSystem Session => SessionNode.Party;

    public IReadOnlyList<ActorSystem> Workers => [.. workers];

    public string Address(ActorSystem node) => Akka.Cluster.Cluster.Get(node).SelfAddress.ToString();

    /// <summary>A worker node whose termination does not leave the cluster: to the others it is a crashed node.</summary>
    public static readonly Config Crashing = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off");

    /// <summary>Shuts a node's remote transport down at once, as its process dying would: no leave, no last message.</summary>
    public static Task CutTransport(ActorSystem node) =>
        ((Akka.Remote.RemoteActorRefProvider)((ExtendedActorSystem)node).Provider).Transport.Shutdown();

    /// <summary>A session node and <paramref name="workers"/> worker nodes, all up; the first worker node also gets
    /// <paramref name="firstWorker"/>. With <paramref name="tls"/>, node i (0 the session node) links over mutual TLS
    /// with tls(i); otherwise every link is plaintext on loopback.</summary>
    public static async Task<ClusterParty> Start(int workers, Config? extra = null, Config? firstWorker = null, Func<int, PartyTls?>? tls = null)
    {
        tls ??= _ => null;
        var config = (extra ?? Config.Empty).WithFallback(Test);
        var session = PartySystems.Create(new PartyEndpoint("127.0.0.1", 0) { Tls = tls(0) }, config);
        var party = new ClusterParty(session, config, tls);
        party.Record(session.Party, "session");
        party.Record(session.Peer, "session (peer-facing)");
        await session.JoinClusterAsync(CancellationToken.None);
        for (var i = 0; i < workers; i++)
        {
            await party.AddWorker(i == 0 ? firstWorker : null);
        }

        await party.UntilMembers(workers + 1);
        return party;
    }

    /// <summary>Starts one more worker node and joins it to the session node (without waiting until it is up); its
    /// links use <paramref name="nodeTls"/>, or the party's TLS of the next node; its agent is a
    /// <see cref="TileNode"/>, or what <paramref name="agent"/> starts. With <paramref name="untilUp"/>, waits (30 s at
    /// most) until the node sees itself up; a node the session node's member guard refuses may be downed before it
    /// ever does, so tests of such nodes pass false and wait for what they check.</summary>
    public async Task<ActorSystem> AddWorker(Config? own = null, PartyTls? nodeTls = null, Action<ActorSystem>? agent = null, bool untilUp = true)
    {
        var config = own is null ? this.config : own.WithFallback(this.config);
        var node = PartyCluster.StartWorkerNode(new PartyEndpoint("127.0.0.1", 0) { Tls = nodeTls ?? tls(workers.Count + 1) }, config);
        Record(node, $"worker {workers.Count + 1}");
        (agent ?? (system => DuetNode.Start(system)))(node);
        workers.Add(node);
        var member = Akka.Cluster.Cluster.Get(node);
        if (untilUp)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await member.JoinAsync(Akka.Cluster.Cluster.Get(Session).SelfAddress, limit.Token);
        }
        else
        {
            member.Join(Akka.Cluster.Cluster.Get(Session).SelfAddress);
        }

        return node;
    }

    /// <summary>Waits until the session node sees exactly <paramref name="count"/> members up and none unreachable.</summary>
    public async Task UntilMembers(int count)
    {
        var cluster = Akka.Cluster.Cluster.Get(Session);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cluster.State.Members.Count(m => m.Status == MemberStatus.Up) != count || cluster.State.Unreachable.Count > 0)
        {
            await Task.Delay(50, limit.Token);
        }
    }

    /// <summary>Runs this party's session node against a peer's gateway (or waits to be called).</summary>
    public Task<PartyResult> Run(PartySettings settings, Matrix<long> matrix, string? peerGatewayPath, IProgress<PartyProgress>? progress = null) =>
        DuetParty.RunOn(SessionNode, settings, new MatrixRows(matrix), peerGatewayPath, progress, CancellationToken.None);

    /// <summary>A fault-injection hook for the session node's settings that injects no fault: it holds the session
    /// node's own tiles until every worker node (or each of <paramref name="only"/>) has built its kit for the session,
    /// so that tiles reach every node whatever the machine's load (the tests count tiles per node, not time).</summary>
    public Func<Tiles.Tile, bool> HoldUntilWorkersReady(IReadOnlyList<ActorSystem>? only = null)
    {
        var ready = false;
        return tile =>
        {
            ready = ready || SpinWait.SpinUntil(() => (only ?? Workers).All(node => Tiles.TileContexts.For(node).Find(tile.SessionId)?.Kit is not null), TimeSpan.FromSeconds(15));
            Thread.Sleep(10);
            return false;
        };
    }

    /// <summary>Runs a test's body; when it fails, the failure carries the last log lines of every node of the party
    /// (Info and above, as the nodes' log level lets through), so that a failure on a loaded machine says which node did
    /// what.</summary>
    public async Task ExplainFailure(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body();
        }
        catch (Exception failure)
        {
            throw new InvalidOperationException($"{failure.Message}\n--- the party's log, last {LogLines} lines ---\n{string.Join('\n', log)}", failure);
        }
    }

    /// <summary>The gateway path of this party's session node, for a peer to call.</summary>
    public string GatewayPath => $"{((ExtendedActorSystem)SessionNode.Peer).Provider.DefaultAddress}/user/{PartyEndpoint.GatewayName}";

    private void Record(ActorSystem node, string name)
    {
        var recorder = node.ActorOf(Props.Create(() => new LogRecorder(log, name)));
        node.EventStream.Subscribe(recorder, typeof(LogEvent));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in Workers.Append(SessionNode.Peer).Append(Session))
        {
            await system.Terminate();
        }
    }
}

/// <summary>Keeps a node's log events (Info and above) in the party's bounded queue.</summary>
internal sealed class LogRecorder : ReceiveActor
{
    public LogRecorder(ConcurrentQueue<string> log, string node)
    {
        Receive<Debug>(_ => { });
        Receive<LogEvent>(e =>
        {
            log.Enqueue($"{e.Timestamp:HH:mm:ss.fff} {node} {e.LogLevel()} {e.LogSource}: {e.Message}");
            while (log.Count > ClusterParty.LogLines && log.TryDequeue(out _))
            {
            }
        });
    }
}
