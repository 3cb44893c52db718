using System.Collections.Concurrent;

namespace Duet.Actors.State;

/// <summary>Where a session's tiles were computed: tiles done per node of the party, and tiles computed again
/// elsewhere because their worker or its node was lost. Written by the tile coordinator, read by the session's
/// summary, so it is safe to share between them.</summary>
internal sealed class TileStatistics
{
    private readonly ConcurrentDictionary<string, int> byNode = new();
    private int requeued;
    private int dropped;

    /// <summary>Tiles lost with a worker or its node and handed to another worker.</summary>
    public int Requeued => Volatile.Read(ref requeued);

    /// <summary>Results dropped as duplicates or as stale attempts.</summary>
    public int Dropped => Volatile.Read(ref dropped);

    /// <summary>Tiles whose result the session used, per node address.</summary>
    public IReadOnlyDictionary<string, int> ByNode => new SortedDictionary<string, int>(byNode, StringComparer.Ordinal);

    public void Done(string node) => byNode.AddOrUpdate(node, 1, (_, count) => count + 1);

    public void Requeue(int tiles) => Interlocked.Add(ref requeued, tiles);

    public void Drop() => Interlocked.Increment(ref dropped);
}
