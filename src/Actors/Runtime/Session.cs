using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Remote;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Runtime;

/// <summary>
/// One session of the protocol (docs/protocol.md §2–§10), either role, either operand side, as one behaviour per phase:
/// Handshaking → Keying → EncryptorStreaming | EvaluatorStreaming → Finishing → Ended. A phase's data is handed to
/// its behaviour; the bookkeeping lives in the plain objects of Duet.Actors.State; CPU work goes as tiles to the
/// session's <see cref="TileCoordinator"/>; a message no phase expects falls through to <see cref="Unexpected"/>.
/// </summary>
internal sealed partial class Session : ReceiveActor, IWithTimers
{
    private readonly SessionJob job;
    private readonly PartySettings settings;
    private readonly Guid sessionId;
    private readonly string? peerGatewayPath;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly SessionStatistics statistics = new();
    private readonly MessageAssembler parts = new();
    private readonly Hello mine;
    private readonly TileContext tiles;
    private readonly ActorSystem party;
    private IActorRef peer = ActorRefs.Nobody;
    private IActorRef dispatcher = ActorRefs.Nobody;
    private bool ended;

    public Session(SessionJob job, Guid sessionId, string? peerGatewayPath)
    {
        this.job = job;
        settings = job.Settings;
        this.sessionId = sessionId;
        this.peerGatewayPath = peerGatewayPath;
        mine = new Hello(
            sessionId,
            settings.ProtocolVersion,
            settings.Side,
            job.Operand.Rows,
            job.Operand.Columns,
            settings.InputBits,
            settings.FractionBits,
            settings.Domain,
            settings.Reveal,
            settings.Key?.PublicKey.Bits ?? settings.KeyBits,
            settings.Sigma,
            settings.Role,
            settings.Name,
            settings.Scheme,
            settings.Resume?.Offer(),
            settings.Key?.PublicKey.Form ?? settings.KeyForm,
            settings.AcceptFastKey,
            settings.LinkMbps);
        party = job.Party ?? Context.System;
        tiles = job.Tiles = TileContexts.For(party).Open(sessionId);
        Become(Handshaking);
    }

    /// <summary>How often a caller repeats its hello until the listener answers: as often as Akka retries a refused link
    /// (akka.remote.retry-gate-closed-for), so a caller that starts first waits a quarter of a second, not seconds.</summary>
    private static readonly TimeSpan CallPeriod = TimeSpan.FromMilliseconds(250);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SessionJob job, Guid sessionId, string? peerGatewayPath) =>
        Akka.Actor.Props.Create(() => new Session(job, sessionId, peerGatewayPath));

    protected override void PreStart()
    {
        Context.SetReceiveTimeout(settings.Timeout);
        // In the party's own system, under a name nobody can guess: the peer-facing system holds nothing but the session.
#pragma warning disable AK1008 // not a child by design: the coordinator lives in the other trust domain, stopped in End/PostStop
        dispatcher = party.ActorOf(TileCoordinator.Props(sessionId, settings.EffectiveWorkers, statistics.Tiles, Self, tiles.Capability, settings.RecheckFraction), ActorNames.Unguessable("tiles"));
#pragma warning restore AK1008
        Context.Watch(dispatcher);
        if (peerGatewayPath is not null)
        {
            CallPeer();
            Timers.StartPeriodicTimer("hello", CallAgain.Instance, CallPeriod);
        }
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        TileContexts.For(party).Close(sessionId);
        party.Stop(dispatcher);
        if (!ended)
        {
            job.Completion.TrySetException(new SessionAbortedException(AbortReason.Internal, "the session stopped before it finished", raisedByPeer: false));
        }
    }

    // A handler that throws is a bug: end the session on both sides with reason Internal instead of crashing.
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            if (message is MessagePart part && part.SessionId == sessionId && Sender.Equals(peer))
            {
                if (Joined(part) is not { } whole)
                {
                    return true;
                }

                message = whole;
            }

            return base.AroundReceive(receive, message is TileCoordinator.ToSession bridged ? bridged.Result : message);
        }
        catch (Exception error) when (!ended)
        {
            Abort(AbortReason.Internal, $"{error.GetType().Name} while handling {message.GetType().Name}: {error.Message}");
            return true;
        }
    }

    // ---- Handshaking -----------------------------------------------------------------------------------------

    private void Handshaking() => Phase("handshaking", () =>
    {
        Receive<CallAgain>(_ => CallPeer());
        Receive<Hello>(OnHello);
    });

    private void CallPeer() => Context.ActorSelection(peerGatewayPath).Tell(mine);

    private void OnHello(Hello theirs)
    {
        Timers.Cancel("hello");
        peer = Sender;

        // Remote DeathWatch is off in untrusted mode: a lost peer shows as the end of the association with its address.
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        Agreement agreement;
        try
        {
            agreement = Handshake.Agree(mine, theirs, settings.ProtocolVersion, job.Sink is null ? settings.Limits : settings.Limits.ForStreamedShares(settings.Reveal != Reveal.None), settings.TableMemoryBytes);
        }
        catch (HandshakeException error)
        {
            Abort(error.Reason, error.Message);
            return;
        }

        if (ResumeProblem(agreement) is { } problem)
        {
            Abort(AbortReason.Incompatible, problem);
            return;
        }

        if (OpenOutput(agreement) is not { } output || !OpenReveal(agreement, out var reveal) || !JournalResumed(agreement, output))
        {
            return;
        }

        // The listener answers only a caller whose hello it accepted.
        if (peerGatewayPath is null)
        {
            peer.Tell(mine);
        }

        statistics.Ended(SessionPhase.Handshake, clock.Elapsed);
        log.Info("session {0}: {1} encrypts; plan {2} {3}", sessionId, agreement.Encryptor, agreement.Scheme, agreement.Plan);
        var agreed = new Agreed(agreement, agreement.Encryptor == settings.Side, job.Operand.ToCanonical(agreement.Orientation), reveal, output);
        if (agreed.IsEncryptor)
        {
            StartEncryptorKeying(agreed);
        }
        else
        {
            Become(() => EvaluatorKeying(agreed));
        }
    }

    /// <summary>After the handshake: an identical repeat of the peer's hello is ignored, a different one aborts.</summary>
    private void RepeatedHello(Agreed agreed) => Receive<Hello>(hello =>
    {
        if (!hello.Equals(agreed.Agreement.Peer(settings.Side)))
        {
            Abort(AbortReason.DuplicateMismatch, "the peer sent a second, different hello");
        }
    });

    // ---- What every phase shares -----------------------------------------------------------------------------

    /// <summary>A phase's behaviour: its own handlers between the filter of other sessions' messages and the
    /// handlers every active phase shares, with <see cref="Unexpected"/> last.</summary>
    private void Phase(string name, Action handlers)
    {
        Receive<IProtocolMessage>(message => Unexpected(message, name), message => message.SessionId != sessionId || !FromPeer(message));
        handlers();
        Receive<Abort>(abort => Fail(new SessionAbortedException(abort.Reason, abort.Text, raisedByPeer: true)));
        Receive<DisassociatedEvent>(lost => Abort(AbortReason.PeerLost, $"the link to the peer at {lost.RemoteAddress} was lost"), lost => lost.RemoteAddress.Equals(peer.Path.Address));
        Receive<ReceiveTimeout>(_ => Abort(AbortReason.Timeout, $"nothing happened for {settings.Timeout.TotalSeconds:0.#} s; the peer is unreachable or stalled"));
        Receive<Gateway.Cancel>(_ => Abort(AbortReason.Cancelled, "cancelled by the operator"));
        Receive<Terminated>(_ => Abort(AbortReason.Internal, "the party's tile coordinator stopped (its actor system ended)"), lost => lost.ActorRef.Equals(dispatcher));
        ReceiveAny(message => Unexpected(message, name));
    }

    /// <summary>
    /// Every message of a session comes from its peer (docs/protocol.md §10): before the handshake only a hello, from
    /// whoever calls first, or the abort of the party this one called; after it only what the peer's session sends.
    /// </summary>
    private bool FromPeer(IProtocolMessage message) =>
        peer.Equals(ActorRefs.Nobody)
            ? message is Hello || (message is Abort && peerGatewayPath is not null && Sender.Path.Address.Equals(ActorPath.Parse(peerGatewayPath).Address))
            : Sender.Equals(peer);

    /// <summary>The one place for a message the current phase does not expect.</summary>
    private void Unexpected(object message, string phase)
    {
        switch (message)
        {
            case IProtocolMessage foreign when foreign.SessionId != sessionId:
                log.Warning("session {0}: dropped {1} for session {2}", sessionId, message.GetType().Name, foreign.SessionId);
                break;
            case IProtocolMessage forged when !FromPeer(forged):
                log.Warning("session {0}: dropped {1} from {2}, which is not the session's peer", sessionId, message.GetType().Name, Sender.Path);
                break;
            case IProtocolMessage:
                Abort(AbortReason.UnexpectedMessage, $"{message.GetType().Name} is not expected while {phase}");
                break;
            default:
                log.Debug("session {0}: ignored {1} while {2}", sessionId, message.GetType().Name, phase);
                break;
        }
    }

    /// <summary>After the session ended: late tile results, keys and peer messages are dropped; a key generated
    /// for the session is disposed.</summary>
    private void Ended()
    {
        Receive<KeyReady>(ready => tiles.Own(ready.Kernels));
        ReceiveAny(message => log.Debug("session {0}: ended; ignored {1}", sessionId, message.GetType().Name));
    }

    /// <summary>Sends to the peer's session, counting the payload bytes (ciphertexts, key, share values); a message
    /// larger than the transport frame goes in parts.</summary>
    private void SendToPeer(IProtocolMessage message, long payload)
    {
        statistics.Sent(payload);
        foreach (var fitting in MessageParts.Fit(message, settings.Limits.PayloadBytes))
        {
            peer.Tell(fitting, Self);
        }
    }

    /// <summary>The peer's message once its last part is in (null before); parts out of order or that do not join into
    /// one well-formed message abort the session.</summary>
    private object? Joined(MessagePart part)
    {
        try
        {
            return parts.Add(part);
        }
        catch (System.Runtime.Serialization.SerializationException error)
        {
            Abort(AbortReason.UnexpectedMessage, $"a message in parts does not join: {error.Message}");
            return null;
        }
    }

    private void Report(string phase, long done, long total) => job.Progress?.Report(new PartyProgress(phase, done, total));

    private void Abort(AbortReason reason, string text)
    {
        if (!peer.Equals(ActorRefs.Nobody))
        {
            peer.Tell(new Abort(sessionId, reason, text), Self);
        }

        Fail(new SessionAbortedException(reason, text, raisedByPeer: false));
    }

    private void Fail(SessionAbortedException error)
    {
        log.Warning("session {0}: aborted ({1}{2}): {3}", sessionId, error.Reason, error.RaisedByPeer ? ", by the peer" : string.Empty, error.Message);
        job.Completion.TrySetException(error);
        End();
    }

    /// <summary>No more protocol: timers off, the tile context retired (its keys and tables are disposed once no
    /// worker or table build uses them).</summary>
    private void End()
    {
        ended = true;
        Timers.CancelAll();
        Context.SetReceiveTimeout(null);
        TileContexts.For(party).Close(sessionId);

        // Worker nodes watch the coordinator: its end is theirs for this session.
        party.Stop(dispatcher);
        Become(Ended);
    }

    /// <summary>On a party that is a cluster, hands the coordinator what worker nodes need for this session.</summary>
    private void ShipToNodes(Func<NodeSetup> setup)
    {
        if (PartyCluster.IsClustered(party))
        {
            dispatcher.Tell(new TileCoordinator.ShipSetup(setup() with { Capability = tiles.Capability }));
        }
    }

    /// <summary>What the handshake settled, for every later phase.</summary>
    /// <param name="Operand">This party's operand in the canonical orientation (X or Y): its file's rows, or a transpose held whole.</param>
    /// <param name="Reveal">Collects the peer's share when the product is revealed to this party.</param>
    /// <param name="Output">Where this party's share goes as tiles finish (memory, or the host's sink).</param>
    private sealed record Agreed(Agreement Agreement, bool IsEncryptor, IOperandRows Operand, RevealAssembler? Reveal, ShareOutput Output)
    {
        public IProductPlan Plan => Agreement.Plan;
    }

    private sealed class CallAgain : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly CallAgain Instance = new();
    }
}
