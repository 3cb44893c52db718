using Akka.Actor;
using Akka.Event;

namespace Duet.Actors.Tiles;

/// <summary>
/// Computes tiles on the worker dispatcher. Stateless: the session's kit comes from the node's
/// <see cref="TileContexts"/> under a lease, the result goes back to the sender as a message.
/// </summary>
internal sealed class TileWorker : ReceiveActor
{
    public TileWorker()
    {
        var contexts = TileContexts.For(Context.System);
        Receive<Tile>(tile =>
        {
            var context = contexts.Find(tile.SessionId);
            if (context is null || !context.TryAcquire())
            {
                Sender.Tell(TileComputation.Failed(tile, TileFailure.NoContext, "no tile context for the session on this node"));
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

            Sender.Tell(result);
        });
    }
}
