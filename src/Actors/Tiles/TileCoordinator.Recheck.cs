using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Duet.Actors.Wire;

namespace Duet.Actors.Tiles;

/// <summary>The coordinator's sampled check of other nodes: a fraction of their results (<c>duet.cluster.recheck</c>,
/// drawn from the CSPRNG so a node cannot tell which) is computed again on this node, off the coordinator's thread, and
/// compared byte for byte: every tile is repeatable, its randomness coming from the session's secret seeds. The result
/// goes to the session only once it matched; a node whose result differs is distrusted for the session, downed, and
/// its tiles go to other workers.</summary>
internal sealed partial class TileCoordinator
{
    private const int Resolution = 1_000_000;

    private readonly double recheck;
    private readonly HashSet<Address> distrusted = [];

    private bool Sampled() => recheck > 0 && RandomNumberGenerator.GetInt32(Resolution) < recheck * Resolution;

    private void Recheck(Tile tile, TileResult result, Address node)
    {
        var context = TileContexts.For(Context.System).Find(sessionId);
        if (context?.Kit is not { } kit || !context.TryAcquire())
        {
            Requeue(tile, front: true);
            return;
        }

        Task.Run(() =>
        {
            try
            {
                return TileComputation.Compute(kit, tile, context.Cpu);
            }
            finally
            {
                context.Release();
            }
        }).PipeTo(Self, success: again => new Rechecked(tile, result, node, again), failure: _ => new Rechecked(tile, result, node, null));
    }

    private void OnRechecked(Rechecked check)
    {
        var key = Key(check.Tile);
        if (!pending.TryGetValue(key, out var current) || current.Attempt != check.Tile.Attempt)
        {
            return;
        }

        if (check.Again is null or TileFailed)
        {
            // This node could not judge: compute the tile again rather than take an unchecked result.
            Requeue(current, front: true);
        }
        else if (Encoded(check.Again).AsSpan().SequenceEqual(Encoded(check.Result)))
        {
            Accept(key, check.Result, check.Node);
        }
        else
        {
            log.Warning("tile coordinator {0}: {1} {2} from {3} differs from this node's computation of it: the node is downed and its tiles go to other workers", sessionId, key.Item1, key.Item2, check.Node);
            Distrust(check.Node);
            Requeue(current, front: true);
        }

        Dispatch();
    }

    private static byte[] Encoded(TileResult result) => DuetSerializer.Encode(result with { Capability = [] });

    /// <summary>A node that computed wrongly gets nothing more of this session: its workers are dropped (their tiles
    /// requeued), it may not register again, and it is downed.</summary>
    private void Distrust(Address node)
    {
        distrusted.Add(node);
        foreach (var worker in workers.Where(w => w.Value.Node.Equals(node)).Select(w => w.Key).ToList())
        {
            LostWorker(worker);
        }

        Party?.Down(node);
    }

    /// <summary>A remote result and this node's computation of the same tile (null when it threw).</summary>
    private sealed record Rechecked(Tile Tile, TileResult Result, Address Node, TileResult? Again) : INoSerializationVerificationNeeded;
}
