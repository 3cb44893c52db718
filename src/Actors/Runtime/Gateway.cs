using Akka.Actor;
using Akka.Event;
using Duet.Actors.Protocol;

namespace Duet.Actors.Runtime;

/// <summary>
/// The well-known actor of a party that accepts the peer's session, or starts one by calling the peer's gateway.
/// A party runs one session; a message for any other session is dropped and logged.
/// </summary>
internal sealed class Gateway : ReceiveActor, IWithTimers
{
    private readonly SessionJob job;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private IActorRef? session;
    private Guid sessionId;

    public Gateway(SessionJob job)
    {
        this.job = job;
        Receive<Call>(call =>
        {
            Timers.Cancel(PeerWaitOver.Instance);
            if (session is not null)
            {
                return;
            }

            sessionId = job.Settings.Resume?.SessionId ?? SessionIds.NewRandom();
            session = Context.ActorOf(Session.Props(job, sessionId, call.PeerGatewayPath), "session");
        });
        Receive<Hello>(hello =>
        {
            if (session is null)
            {
                sessionId = hello.SessionId;
                session = Context.ActorOf(Session.Props(job, sessionId, null), "session");
            }

            ForwardOrDrop(hello);
        });
        Receive<IProtocolMessage>(ForwardOrDrop);
        Receive<PeerWaitOver>(_ =>
        {
            if (session is null)
            {
                var wait = job.Settings.PeerWait;
                job.Completion.TrySetException(new SessionAbortedException(
                    AbortReason.Timeout,
                    $"no peer called within {(wait.TotalMinutes >= 1 ? $"{wait.TotalMinutes:0.#} min" : $"{wait.TotalSeconds:0.#} s")} (duet.session.peer-wait; 0 waits forever): is the peer running, calling this address, and pinning this party's certificate?",
                    raisedByPeer: false));
            }
        });
        Receive<Cancel>(_ =>
        {
            if (session is null)
            {
                job.Completion.TrySetException(new SessionAbortedException(AbortReason.Cancelled, "cancelled before a peer called", raisedByPeer: false));
            }
            else
            {
                session.Forward(Cancel.Instance);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A listener gives up on a peer that never calls; a caller's session has its own timeout.
    protected override void PreStart()
    {
        if (job.Settings.PeerWait > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(PeerWaitOver.Instance, PeerWaitOver.Instance, job.Settings.PeerWait);
        }
    }

    // A session that throws is a bug, not a transient fault: stop it (it reports Internal to both sides) rather
    // than restart it with its state lost.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void ForwardOrDrop(IProtocolMessage message)
    {
        if (session is not null && message.SessionId == sessionId)
        {
            session.Forward(message);
        }
        else
        {
            log.Warning("gateway: dropped {0} for unknown session {1}", message.GetType().Name, message.SessionId);
        }
    }

    /// <summary>Start a session by calling the peer's gateway at this actor path.</summary>
    public sealed record Call(string PeerGatewayPath) : INoSerializationVerificationNeeded;

    /// <summary>duet.session.peer-wait has passed since the gateway started.</summary>
    private sealed class PeerWaitOver : INoSerializationVerificationNeeded
    {
        public static readonly PeerWaitOver Instance = new();

        private PeerWaitOver()
        {
        }
    }

    /// <summary>The host gave up: abort the session with reason Cancelled.</summary>
    public sealed class Cancel : INoSerializationVerificationNeeded
    {
        public static readonly Cancel Instance = new();

        private Cancel()
        {
        }
    }
}
