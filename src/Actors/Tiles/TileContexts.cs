using System.Collections.Concurrent;
using Akka.Actor;

namespace Duet.Actors.Tiles;

/// <summary>
/// The node-local cache of tile contexts, keyed by session: workers find a session's keys and tables here, so a
/// tile carries only its indices and its own data, and Props never carry session state.
/// </summary>
internal sealed class TileContexts : IExtension
{
    private readonly ConcurrentDictionary<Guid, TileContext> contexts = new();

    public static TileContexts For(ActorSystem system) => system.WithExtension<TileContexts, TileContextsProvider>();

    /// <summary>A fault injected into every kit a worker node builds (tests only; the session node's own kit takes
    /// <see cref="PartySettings.FaultInjection"/>).</summary>
    internal Func<Tile, bool>? NodeFault { get; set; }

    /// <summary>Rewrites every result this node's workers return (tests only: a node that computes wrongly).</summary>
    internal Func<TileResult, TileResult>? NodeTamper { get; set; }

    /// <summary>Registers a new session's context, with a fresh capability (the session node) or the one its set-up
    /// carried (a worker node).</summary>
    /// <exception cref="InvalidOperationException">The session already has one.</exception>
    public TileContext Open(Guid sessionId, byte[]? capability = null)
    {
        var context = new TileContext(sessionId, capability ?? SessionCapability.New());
        if (!contexts.TryAdd(sessionId, context))
        {
            throw new InvalidOperationException($"session {sessionId} already has a tile context on this node");
        }

        return context;
    }

    public TileContext? Find(Guid sessionId) => contexts.TryGetValue(sessionId, out var context) ? context : null;

    /// <summary>Forgets a session's context and retires it (it is disposed when its last lease ends).</summary>
    public void Close(Guid sessionId)
    {
        if (contexts.TryRemove(sessionId, out var context))
        {
            context.Retire();
        }
    }

    private sealed class TileContextsProvider : ExtensionIdProvider<TileContexts>
    {
        public override TileContexts CreateExtension(ExtendedActorSystem system) => new();
    }
}
