using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Duet.Actors.Transport;

namespace Duet.Actors.Cluster;

/// <summary>
/// The session node's standing check of its party's membership, whether a session runs or not (over TLS only): every
/// member that comes up is challenged at once (<see cref="Attestations"/>), and one whose answer proves it is not one of
/// this party's nodes, or that does not answer in time, is downed. So the peer, whose certificate the same listener
/// accepts, stays a member for one challenge's round trip (or its timeout), not until the next session starts. A
/// session's tile coordinator still attests every member for that session before it ships a set-up.
/// </summary>
internal sealed class MemberGuard : ReceiveActor, IWithTimers
{
    /// <summary>The guard's name under /user on the session node.</summary>
    public const string Name = "member-guard";

    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);

    public MemberGuard(PartyTls tls)
    {
        var self = cluster.SelfAddress;
        var attestations = new Attestations(Guid.NewGuid(), tls, self, Context.System, Context.GetLogger(), "member guard");
        Receive<ClusterEvent.MemberUp>(
            up => attestations.Challenge(up.Member, Self, Timers),
            up => !up.Member.Address.Equals(self));
        Receive<AttestAnswer>(answer => attestations.Judge(Sender.Path.Address, answer));
        Receive<Attestations.Expired>(expired => attestations.Expire(expired.Node));
        Receive<ClusterEvent.MemberRemoved>(removed => attestations.Forget(removed.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The guard for a session node whose links use <paramref name="tls"/>.</summary>
    internal static Props Props(PartyTls tls) => Akka.Actor.Props.Create(() => new MemberGuard(tls));

    protected override void PreStart() =>
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => cluster.Unsubscribe(Self);
}
