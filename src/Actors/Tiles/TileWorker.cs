using Akka.Actor;
using Akka.Event;
using Duet.Actors.Cluster;

namespace Duet.Actors.Tiles;

/// <summary>
/// Computes tiles on the worker dispatcher. Stateless: the session's kit comes from the node's
/// <see cref="TileContexts"/> under a lease, the result goes to the worker's coordinator, never to a message's
/// sender, and only tiles from that coordinator are computed. A worker on a worker node registers with the session's
/// coordinator when it starts (<see cref="WorkerReady"/>); a local one is registered by the coordinator that made it.
/// </summary>
internal sealed class TileWorker : ReceiveActor
{
    private readonly WorkerReady? registration;
    private readonly IActorRef coordinator;

    public TileWorker(IActorRef coordinator, WorkerReady? registration)
    {
        this.coordinator = coordinator;
        this.registration = registration;
        var contexts = TileContexts.For(Context.System);
        Receive<Tile>(
            tile => Context.GetLogger().Warning("tile worker: dropped {0} {1} from {2}, which is not its coordinator", tile.Kind, tile.Index, Sender.Path),
            _ => !Sender.Equals(coordinator));
        Receive<Tile>(tile =>
        {
            var context = contexts.Find(tile.SessionId);
            if (context is not null && !SessionCapability.Admits(context.Capability, tile.Capability))
            {
                Context.GetLogger().Warning("tile worker: dropped {0} {1}, which does not carry its session's capability", tile.Kind, tile.Index);
                return;
            }

            if (context is null || !context.TryAcquire())
            {
                coordinator.Tell(TileComputation.Failed(tile, TileFailure.NoContext, "no tile context for the session on this node") with { Capability = tile.Capability });
                return;
            }

            TileResult result;
            try
            {
                result = context.Kit is { } kit
                    ? TileComputation.Compute(kit, tile, context.Cpu)
                    : TileComputation.Failed(tile, TileFailure.NoContext, "the session's tile kit is not ready");
            }
            finally
            {
                context.Release();
            }

            if (result is TileFailed failed)
            {
                Context.GetLogger().Warning("tile worker: {0} {1} failed: {2}", failed.Kind, failed.Index, failed.Detail);
            }

            coordinator.Tell((contexts.NodeTamper?.Invoke(result) ?? result) with { Capability = context.Capability });
        });
    }

    /// <summary>A worker registered by the coordinator that creates it.</summary>
    public static Props Props(IActorRef coordinator) => Akka.Actor.Props.Create(() => new TileWorker(coordinator, null)).WithDispatcher("duet.worker-dispatcher");

    /// <summary>A worker of a worker node, which registers itself with the session's coordinator.</summary>
    public static Props Props(IActorRef coordinator, WorkerReady registration) =>
        Akka.Actor.Props.Create(() => new TileWorker(coordinator, registration)).WithDispatcher("duet.worker-dispatcher");

    protected override void PreStart()
    {
        if (registration is not null)
        {
            coordinator.Tell(registration);
        }
    }
}
