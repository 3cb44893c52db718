using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Event;
using Duet.Actors.Tiles;

namespace Duet.Actors.Cluster;

/// <summary>
/// The agent of a worker node (at /user/duet-node): assembles the set-up a session's coordinator ships in parts,
/// builds the node's kit into its own <see cref="TileContexts"/> in the background, then starts this node's workers,
/// which register with the coordinator and pull tiles. It watches the coordinator: when the session ends (or its
/// node is lost) the workers stop and the kit is disposed. A worker node never holds a share and writes nothing.
/// </summary>
internal sealed class TileNode : ReceiveActor
{
    public const string Name = "duet-node";

    /// <summary>Tiles a worker of a worker node may hold at once: one computing, one on its way.</summary>
    public const int RemoteCredits = 2;

    private readonly PartySettings settings = PartySettings.FromConfig(Context.System.Settings.Config);
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<Guid, NodeSession> sessions = [];

    public TileNode()
    {
        Receive<SetupPart>(OnPart);
        Receive<AttestChallenge>(OnChallenge);
        Receive<KitBuilt>(OnKitBuilt);
        Receive<KitFailed>(failed => Drop(failed.SessionId, $"its set-up was refused: {failed.Error.Message}"));
        Receive<Terminated>(ended =>
        {
            foreach (var id in sessions.Where(s => s.Value.Coordinator.Equals(ended.ActorRef)).Select(s => s.Key).ToList())
            {
                Drop(id, "its session ended", warn: false);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create<TileNode>();

    /// <summary>A line for the operator's console of a worker node (a session served, a session left), on the event stream.</summary>
    internal sealed record NodeReport(string Line) : INoSerializationVerificationNeeded;

    protected override void PostStop()
    {
        foreach (var id in sessions.Keys.ToList())
        {
            Drop(id, "the node is stopping", warn: false);
        }
    }

    /// <summary>Proves to the session node that this node holds its TLS certificate's private key.</summary>
    private void OnChallenge(AttestChallenge challenge)
    {
        if (Transport.PartyTls.Of(Context.System) is not { } tls)
        {
            log.Warning("duet node: the session node at {0} asked for an attestation, but this node runs without TLS", Sender.Path.Address);
            return;
        }

        Sender.Tell(NodeAttestation.Answer(challenge, tls.Certificate, Sender.Path.Address, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress));
    }

    private void OnPart(SetupPart part)
    {
        if (!sessions.TryGetValue(part.SessionId, out var session))
        {
            if (part.Part != 0 || (long)part.Parts * SetupPart.PartBytes > settings.Limits.MemoryBudgetBytes + SetupPart.PartBytes)
            {
                log.Warning("duet node: dropped part {0} of {1} of session {2}'s set-up (not a first part, or over the memory budget)", part.Part, part.Parts, part.SessionId);
                return;
            }

            session = new NodeSession(Sender, part.Parts);
            sessions[part.SessionId] = session;
            Context.Watch(Sender);
        }

        if (!Sender.Equals(session.Coordinator) || session.Parts is null || part.Parts != session.Parts.Length || part.Part != session.Received)
        {
            Drop(part.SessionId, $"part {part.Part} of {part.Parts} of its set-up came out of order or from another sender");
            return;
        }

        session.Parts[session.Received++] = part.Bytes;
        Sender.Tell(new SetupAck(part.SessionId, part.Part));
        if (session.Received < session.Parts.Length)
        {
            return;
        }

        NodeSetup setup;
        try
        {
            setup = Wire.NodeCodec.DecodeSetup(Concatenate(session.Parts), settings.Limits.MaxOperandEntries);
        }
        catch (SerializationException error)
        {
            Drop(part.SessionId, $"its set-up is malformed: {error.Message}");
            return;
        }

        session.Parts = null;
        if (setup.SessionId != part.SessionId)
        {
            Drop(part.SessionId, "its set-up names another session");
            return;
        }

        Build(setup, session);
    }

    private void Build(NodeSetup setup, NodeSession session)
    {
        var contexts = TileContexts.For(Context.System);
        if (contexts.Find(setup.SessionId) is not null)
        {
            Drop(setup.SessionId, "this node already has a tile context for it");
            return;
        }

        var context = session.Context = contexts.Open(setup.SessionId, setup.Capability);
        context.TryAcquire();
        var nodeSettings = settings;
        log.Info("duet node: building the kit of session {0} ({1})", setup.SessionId, setup.IsEncryptor ? "encryptor" : "evaluator");
        Task.Run(() =>
        {
            try
            {
                return new KitBuilt(setup.SessionId, NodeKit.Build(setup, context, nodeSettings));
            }
            finally
            {
                context.Release();
            }
        }).PipeTo(Self, failure: e => new KitFailed(setup.SessionId, e is AggregateException { InnerException: { } inner } ? inner : e));
    }

    private void OnKitBuilt(KitBuilt built)
    {
        if (!sessions.TryGetValue(built.SessionId, out var session) || session.Context is null)
        {
            return;
        }

        session.Context.Attach(TileContexts.For(Context.System).NodeFault is { } fault ? built.Kit with { Fault = fault } : built.Kit);
        var registration = new WorkerReady(built.SessionId, RemoteCredits) { Capability = session.Context.Capability };
        for (var i = 0; i < settings.EffectiveWorkers; i++)
        {
            session.Workers.Add(Context.ActorOf(TileWorker.Props(session.Coordinator, registration), ActorNames.Unguessable("worker")));
        }

        log.Info("duet node: {0} workers pull tiles of session {1}", session.Workers.Count, built.SessionId);
        Context.System.EventStream.Publish(new NodeReport($"session {built.SessionId}: pulling tiles, workers: {session.Workers.Count}"));
    }

    /// <summary>Stops a session's workers and closes its kit (disposed once no worker uses it).</summary>
    private void Drop(Guid sessionId, string why, bool warn = true)
    {
        if (!sessions.Remove(sessionId, out var session))
        {
            return;
        }

        if (warn)
        {
            log.Warning("duet node: left session {0}: {1}", sessionId, why);
        }
        else
        {
            log.Info("duet node: left session {0}: {1}", sessionId, why);
        }

        Context.System.EventStream.Publish(new NodeReport($"left session {sessionId}: {why}"));

        Context.Unwatch(session.Coordinator);
        session.Workers.ForEach(Context.Stop);
        if (session.Context is not null)
        {
            TileContexts.For(Context.System).Close(sessionId);
        }
    }

    private static byte[] Concatenate(byte[][] parts)
    {
        var whole = new byte[parts.Sum(p => (long)p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(whole, at);
            at += part.Length;
        }

        return whole;
    }

    private sealed class NodeSession(IActorRef coordinator, int parts)
    {
        public IActorRef Coordinator { get; } = coordinator;

        /// <summary>The parts received so far; null once assembled.</summary>
        public byte[][]? Parts { get; set; } = new byte[parts][];

        public int Received { get; set; }

        public TileContext? Context { get; set; }

        public List<IActorRef> Workers { get; } = [];
    }

    private sealed record KitBuilt(Guid SessionId, TileKit Kit) : INoSerializationVerificationNeeded;

    private sealed record KitFailed(Guid SessionId, Exception Error) : INoSerializationVerificationNeeded;
}
