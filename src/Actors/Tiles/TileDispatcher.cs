using Akka.Actor;
using Akka.Event;
using Akka.Routing;

namespace Duet.Actors.Tiles;

/// <summary>
/// The one place a session hands its tiles to: sends each to a local pool of workers, computes a failed tile
/// again (up to <see cref="MaxAttempts"/>), and passes every final result or failure to the session, its parent.
/// The seam where a cluster coordinator (workers on other nodes pulling tiles) will take over.
/// </summary>
internal sealed class TileDispatcher : ReceiveActor
{
    public const int MaxAttempts = 3;

    private readonly Dictionary<(TileKind Kind, int Index), Tile> pending = [];
    private readonly IActorRef workers;

    public TileDispatcher(int workerCount)
    {
        workers = Context.ActorOf(
            Akka.Actor.Props.Create<TileWorker>()
                .WithDispatcher("duet.worker-dispatcher")
                .WithRouter(new SmallestMailboxPool(workerCount).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart))),
            "workers");
        Receive<Tile>(tile =>
        {
            pending[(tile.Kind, tile.Index)] = tile;
            workers.Tell(tile);
        });
        Receive<TileResult>(OnResult);
    }

    public static Props Props(int workerCount) => Akka.Actor.Props.Create(() => new TileDispatcher(workerCount));

    private static TileKind KindOf(TileResult result) => result switch
    {
        EncryptResult => TileKind.Encrypt,
        EvaluateResult => TileKind.Evaluate,
        DecryptResult => TileKind.Decrypt,
        TileFailed failed => failed.Kind,
        _ => throw new ArgumentException($"unknown tile result {result.GetType().Name}", nameof(result)),
    };

    private void OnResult(TileResult result)
    {
        var key = (KindOf(result), result.Index);
        if (!pending.TryGetValue(key, out var tile) || tile.Attempt != result.Attempt)
        {
            return;
        }

        if (result is TileFailed { Failure: not TileFailure.InvalidCiphertext } failed && failed.Attempt < MaxAttempts)
        {
            Context.GetLogger().Warning("tile dispatcher: {0} {1} failed ({2}); computing it again", failed.Kind, failed.Index, failed.Detail);
            var retry = tile.Retry();
            pending[key] = retry;
            workers.Tell(retry);
            return;
        }

        pending.Remove(key);
        Context.Parent.Tell(result);
    }
}
