using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Duet.Actors.Transport;

namespace Duet.Actors.Cluster;

/// <summary>
/// The open attestation challenges of one actor on the session node (<see cref="MemberGuard"/>, or a session's tile
/// coordinator), and what it does with the answers: a member whose answer proves it a party node is admitted; one whose
/// answer proves the contrary, or that has not answered within <see cref="Timeout"/>, is refused (logged once, and
/// downed). An answer that proves nothing (<see cref="NodeAttestation.Judge"/>), or that was not asked for, is ignored
/// and logged: any member could have sent it in another node's name, so it must not get that node downed.
/// </summary>
internal sealed class Attestations(Guid round, PartyTls tls, Address self, ActorSystem system, ILoggingAdapter log, string who)
{
    /// <summary>How long a member has to answer its challenge.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<Address, (Member Member, AttestChallenge Challenge)> open = [];
    private readonly HashSet<Address> refused = [];
    private readonly HashSet<Address> ignored = [];

    /// <summary>Sends the member's agent a fresh challenge, answered to <paramref name="replyTo"/>, and has
    /// <paramref name="timers"/> send it <see cref="Expired"/> after <see cref="Timeout"/> (then call <see cref="Expire"/>).</summary>
    public void Challenge(Member member, IActorRef replyTo, ITimerScheduler timers)
    {
        var challenge = NodeAttestation.Challenge(round);
        open[member.Address] = (member, challenge);
        system.ActorSelection(new RootActorPath(member.Address) / "user" / TileNode.Name).Tell(challenge, replyTo);
        timers.StartSingleTimer(member.Address, new Expired(member.Address), Timeout);
    }

    /// <summary>The member an answer admits, or null (refused, or the answer ignored).</summary>
    public Member? Judge(Address node, AttestAnswer answer)
    {
        if (!open.TryGetValue(node, out var pending))
        {
            Ignored(node, "an attestation that was not asked for");
            return null;
        }

        var verdict = NodeAttestation.Judge(answer, pending.Challenge, self, node, tls, DateTimeOffset.UtcNow);
        if (!verdict.Proven)
        {
            Ignored(node, $"an attestation that proves nothing ({verdict.Refusal}); its challenge stays open");
            return null;
        }

        open.Remove(node);
        if (verdict.Refusal is { } refusal)
        {
            Refuse(node, refusal);
            return null;
        }

        log.Info("{0}: member {1} attested as one of this party's nodes", who, node);
        return pending.Member;
    }

    /// <summary>Refuses a member whose challenge is still open once <see cref="Timeout"/> has passed.</summary>
    public void Expire(Address node)
    {
        if (open.Remove(node))
        {
            Refuse(node, $"it did not answer its attestation challenge within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>A member removed from the cluster: its challenge, if open, is dropped.</summary>
    public void Forget(Address node) => open.Remove(node);

    /// <summary>Logs an ignored message once per address: any member can send them, as often as it likes.</summary>
    public void Ignored(Address node, string what)
    {
        if (ignored.Add(node))
        {
            log.Warning("{0}: ignored {1} in the name of {2} (said once per address)", who, what, node);
        }
    }

    /// <summary>Logs the refusal once per address and downs the member if it still is one.</summary>
    public void Refuse(Address node, string why)
    {
        if (refused.Add(node))
        {
            log.Warning("{0}: refused {1} as a node of this party (no set-up, no workers; downed): {2}", who, node, why);
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        if (cluster.State.Members.Any(m => m.Address.Equals(node)))
        {
            cluster.Down(node);
        }
    }

    /// <summary>A member's time to answer its challenge is up.</summary>
    public sealed record Expired(Address Node) : INoSerializationVerificationNeeded;
}
