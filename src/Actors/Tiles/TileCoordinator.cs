using Akka.Actor;
using Akka.Event;
using Duet.Actors.Cluster;
using Duet.Actors.State;

namespace Duet.Actors.Tiles;

/// <summary>
/// The one place a session hands its tiles to: a work-pulling coordinator. Workers (its own children on this node,
/// and workers on the other nodes of the party's cluster) register with a number of credits and are sent at most
/// that many tiles at once; every result gives a credit back, so a slow worker gets fewer tiles. The coordinator
/// watches every worker and requeues the tiles of a lost one (and of a node the cluster sees unreachable), drops a
/// result whose (kind, index, attempt) is not the tile's current attempt, computes a failed tile again (up to
/// <see cref="MaxAttempts"/> failures), checks results from other nodes (<see cref="TileResultCheck"/>) and passes
/// every final result or failure to its session (in the party's peer-facing system; the coordinator and its workers
/// live in the party's own system). Akka.NET 1.5 has no work-pulling controller.
/// </summary>
internal sealed partial class TileCoordinator : ReceiveActor
{
    public const int MaxAttempts = 3;

    private readonly Guid sessionId;
    private readonly int localWorkers;
    private readonly TileStatistics statistics;
    private readonly IActorRef session;
    private readonly byte[] capability;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Address self = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
    private readonly LinkedList<Tile> queue = new();
    private readonly Dictionary<(TileKind Kind, int Index), Tile> pending = [];
    private readonly Dictionary<(TileKind Kind, int Index), int> failures = [];
    private readonly Dictionary<IActorRef, WorkerState> workers = [];
    private bool stopping;

    public TileCoordinator(Guid sessionId, int localWorkers, TileStatistics statistics, IActorRef session, byte[] capability, double recheck = 0)
    {
        this.recheck = recheck;
        this.sessionId = sessionId;
        this.session = session;
        this.capability = capability;
        this.localWorkers = localWorkers;
        this.statistics = statistics;
        Receive<Tile>(
            tile =>
            {
                pending[Key(tile)] = tile;
                queue.AddLast(tile);
                Dispatch();
            },
            _ => Sender.Equals(session));
        Receive<TileResult>(OnResult);
        Receive<Rechecked>(OnRechecked);
        Receive<WorkerReady>(ready =>
        {
            if (MayRegister(Sender.Path.Address))
            {
                Register(Sender, ready.Credits, local: false);
            }
        }, ready => ready.SessionId == sessionId && SessionCapability.Admits(capability, ready.Capability));
        Receive<Terminated>(terminated => LostWorker(terminated.ActorRef));
        ClusterHandlers();
    }

    public static Props Props(Guid sessionId, int localWorkers, TileStatistics statistics, IActorRef session, byte[] capability, double recheck = 0) =>
        Akka.Actor.Props.Create(() => new TileCoordinator(sessionId, localWorkers, statistics, session, capability, recheck));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        for (var i = 0; i < localWorkers; i++)
        {
            StartLocalWorker();
        }

        StartCluster();
    }

    protected override void PostStop()
    {
        stopping = true;
        StopCluster();
    }

    private static (TileKind Kind, int Index) Key(Tile tile) => (tile.Kind, tile.Index);

    private static TileKind KindOf(TileResult result) => result switch
    {
        EncryptResult => TileKind.Encrypt,
        EvaluateResult => TileKind.Evaluate,
        DecryptResult => TileKind.Decrypt,
        TileFailed failed => failed.Kind,
        _ => throw new ArgumentException($"unknown tile result {result.GetType().Name}", nameof(result)),
    };

    private void StartLocalWorker() =>
        Register(Context.ActorOf(TileWorker.Props(Self), ActorNames.Unguessable("worker")), credits: 1, local: true);

    private void Register(IActorRef worker, int credits, bool local)
    {
        if (workers.ContainsKey(worker))
        {
            return;
        }

        var node = local || worker.Path.Address.HasLocalScope ? self : worker.Path.Address;
        workers[worker] = new WorkerState(node, Math.Clamp(credits, 1, WorkerReady.MaxCredits), local);
        Context.Watch(worker);
        if (!local)
        {
            log.Info("tile coordinator {0}: a worker on {1} joined with {2} credits", sessionId, node, credits);
        }

        Dispatch();
    }

    /// <summary>Hands queued tiles to the workers with the most free credits.</summary>
    private void Dispatch()
    {
        while (queue.First is { } next)
        {
            var (worker, state) = MostFree();
            if (state is null)
            {
                return;
            }

            queue.RemoveFirst();
            var tile = next.Value;
            if (!pending.TryGetValue(Key(tile), out var current) || current.Attempt != tile.Attempt)
            {
                continue;
            }

            state.InFlight.Add(Key(tile));
            worker.Tell(tile with { Capability = capability });
        }
    }

    private (IActorRef Worker, WorkerState? State) MostFree()
    {
        (IActorRef, WorkerState?) best = (ActorRefs.Nobody, null);
        foreach (var (worker, state) in workers)
        {
            if (state.Free > 0 && (best.Item2 is null || state.Free > best.Item2.Free))
            {
                best = (worker, state);
            }
        }

        return best;
    }

    private void OnResult(TileResult result)
    {
        // Checked first: a forged result in a worker's name must not cost that worker its tile.
        if (!SessionCapability.Admits(capability, result.Capability))
        {
            log.Warning("tile coordinator {0}: dropped a result from {1} without the session's capability", sessionId, Sender.Path);
            statistics.Drop();
            return;
        }

        var key = (KindOf(result), result.Index);
        var sent = workers.TryGetValue(Sender, out var state) && state.InFlight.Remove(key);
        if (!sent || result.SessionId != sessionId || !pending.TryGetValue(key, out var tile) || tile.Attempt != result.Attempt)
        {
            statistics.Drop();
            Dispatch();
            return;
        }

        if (!state!.Local && CheckRemote(result) is { } problem)
        {
            log.Warning("tile coordinator {0}: dropped {1} {2} from {3}: {4}", sessionId, key.Item1, key.Item2, state.Node, problem);
            result = TileComputation.Failed(tile, TileFailure.Fault, $"the result from {state.Node} failed its check: {problem}");
        }

        if (result is TileFailed { Failure: not TileFailure.InvalidCiphertext } failed && Failures(key) < MaxAttempts)
        {
            log.Warning("tile coordinator {0}: {1} {2} failed ({3}); computing it again", sessionId, failed.Kind, failed.Index, failed.Detail);
            Requeue(tile, front: false);
            Dispatch();
            return;
        }

        if (!state.Local && result is not TileFailed && Sampled())
        {
            Recheck(tile, result, state.Node);
            Dispatch();
            return;
        }

        Accept(key, result, state.Node);
        Dispatch();
    }

    /// <summary>A final result (or failure) goes to the session.</summary>
    private void Accept((TileKind, int) key, TileResult result, Address node)
    {
        pending.Remove(key);
        failures.Remove(key);
        if (result is not TileFailed)
        {
            statistics.Done(node.ToString());
        }

        session.Tell(new ToSession(result), Self);
    }

    private int Failures((TileKind, int) key) => failures[key] = failures.GetValueOrDefault(key) + 1;

    // Under a lease, as a worker computes: the session retires the context from its own thread, and the check reads the
    // kit's key and residues.
    private string? CheckRemote(TileResult result)
    {
        const string NoKit = "this node has no kit for the session to check it with";
        if (TileContexts.For(Context.System).Find(sessionId) is not { } context || !context.TryAcquire())
        {
            return NoKit;
        }

        try
        {
            return context.Kit is { } kit ? TileResultCheck.Problem(kit, result) : NoKit;
        }
        finally
        {
            context.Release();
        }
    }

    /// <summary>The same tile as a new attempt, so a late result of the old one is dropped.</summary>
    private void Requeue(Tile tile, bool front)
    {
        var retry = tile.Retry();
        pending[Key(tile)] = retry;
        if (front)
        {
            queue.AddFirst(retry);
        }
        else
        {
            queue.AddLast(retry);
        }
    }

    /// <summary>Takes a worker's tiles back into the queue, ahead of new ones.</summary>
    private void TakeBack(WorkerState state)
    {
        var lost = state.InFlight.Where(pending.ContainsKey).ToList();
        state.InFlight.Clear();
        foreach (var key in lost)
        {
            Requeue(pending[key], front: true);
        }

        if (lost.Count > 0)
        {
            statistics.Requeue(lost.Count);
            log.Warning("tile coordinator {0}: {1} tiles of a lost worker on {2} go to other workers", sessionId, lost.Count, state.Node);
        }
    }

    private void LostWorker(IActorRef worker)
    {
        if (!workers.Remove(worker, out var state))
        {
            return;
        }

        TakeBack(state);
        if (state.Local && !stopping)
        {
            StartLocalWorker();
        }

        Dispatch();
    }

    /// <summary>A result crossing in-process from the party's system to the session's peer-facing one, which decodes
    /// no tile message: never serialized.</summary>
    internal sealed record ToSession(TileResult Result) : INoSerializationVerificationNeeded;

    /// <summary>A registered worker: where it runs, its credits and the tiles it holds.</summary>
    private sealed class WorkerState(Address node, int credits, bool local)
    {
        public Address Node { get; } = node;

        public bool Local { get; } = local;

        public HashSet<(TileKind Kind, int Index)> InFlight { get; } = [];

        /// <summary>True while the cluster sees the worker's node unreachable: it is sent nothing.</summary>
        public bool Suspended { get; set; }

        public int Free => Suspended ? 0 : credits - InFlight.Count;
    }
}
