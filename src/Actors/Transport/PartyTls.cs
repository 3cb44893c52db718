using System.Security.Cryptography.X509Certificates;

namespace Duet.Actors.Transport;

/// <summary>
/// Mutual TLS of a party's links (docs/protocol.md §12): its own certificate, and the SHA-256 fingerprints it accepts from
/// the other side. Both ends of every link present a certificate and each checks the other's against its pins and
/// validity dates; no CA, no host names. The peer-facing system accepts the peer's pins only; the party's own cluster
/// (<see cref="ForNodes"/>) accepts its nodes' pins only, so neither listener takes the other's certificates.
/// </summary>
public sealed class PartyTls
{
    private readonly HashSet<string> pins;
    private volatile LinkRefusal? lastRefusal;

    public PartyTls(X509Certificate2 certificate, IEnumerable<string> peerPins, IEnumerable<string>? partyPins = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(peerPins);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the party's certificate has no private key (use the .pfx that 'duet certs' wrote).");
        }

        Certificate = certificate;
        PeerPins = peerPins.Select(p => CertificateFingerprint.Parse(p, "pin")).Distinct().ToArray();
        PartyPins = (partyPins ?? []).Select(p => CertificateFingerprint.Parse(p, "party pin")).Distinct().ToArray();
        if (PeerPins.Count == 0)
        {
            throw new ArgumentException("no fingerprint is pinned for the peer: give its 'duet certs' fingerprint (--pin or duet.tls.peer-pins).");
        }

        pins = [.. PeerPins];
    }

    private PartyTls(PartyTls party)
    {
        Certificate = party.Certificate;
        PeerPins = party.PeerPins;
        PartyPins = party.PartyPins;
        pins = [.. PartyPins];
    }

    public X509Certificate2 Certificate { get; }

    public string Fingerprint => CertificateFingerprint.Of(Certificate);

    public IReadOnlyList<string> PeerPins { get; }

    public IReadOnlyList<string> PartyPins { get; }

    /// <summary>The TLS of the party's own cluster links: the same certificate, accepting its nodes' pins only.</summary>
    /// <exception cref="ArgumentException">No party pins are configured.</exception>
    public PartyTls ForNodes() => PartyPins.Count > 0
        ? new PartyTls(this)
        : throw new ArgumentException("no fingerprint is pinned for this party's own nodes: a party's cluster accepts only the certificates in duet.tls.party-pins.");

    /// <summary>The most recent certificate this party refused, if any: what a failed run reports.</summary>
    public LinkRefusal? LastRefusal => lastRefusal;

    /// <summary>Raised for every certificate this party refuses, on the transport's thread.</summary>
    public event Action<LinkRefusal>? Refused;

    /// <summary>The set-up of an actor system: this party's TLS, which its transport (<see cref="PinnedTlsTransport"/>)
    /// checks every certificate with and the session node's coordinator attests members with.</summary>
    internal Akka.Actor.Setup.Setup Setup() => new PartyTlsSetup(this);

    /// <summary>
    /// The keys that put an actor system's links on this party's TLS. With this transport the scheduler's clock also
    /// ticks every 100 ms instead of 10: a party's timers are seconds long, and the faster tick cost an idle node about
    /// 2 % of a core (a session node and a worker node idle for 20 s used 1.05 CPU-s each with 10 ms, 0.62 with 100 ms).
    /// Only here: Akka retries a write its transport refuses after a scheduler tick, which DotNetty's transport does
    /// under load (a 50 ms tick once stretched a plaintext cluster run 1.5-2x); this transport refuses none while the
    /// link is up.
    /// </summary>
    internal static string TransportConfig { get; } =
        "akka.remote.dot-netty.tcp.enable-ssl = on\n"
        + $"akka.remote.dot-netty.tcp.transport-class = \"{typeof(PinnedTlsTransport).FullName}, {typeof(PinnedTlsTransport).Assembly.GetName().Name}\"\n"
        + "akka.scheduler.tick-duration = 100ms\n";

    /// <summary>Null when the certificate is pinned and valid now; otherwise why it is refused.</summary>
    public string? Refusal(X509Certificate2? certificate, DateTimeOffset now)
    {
        if (certificate is null)
        {
            return "it presented no certificate";
        }

        var fingerprint = CertificateFingerprint.Of(certificate);
        return DateRefusal(certificate, fingerprint, now) ?? (pins.Contains(fingerprint) ? null : $"its certificate {fingerprint} is not pinned");
    }

    /// <summary>Null when the certificate is valid now and pinned as one of this party's own nodes (a party pin that
    /// is not also a peer pin): the check of a member's attestation (<see cref="Cluster.NodeAttestation"/>).</summary>
    public string? MemberRefusal(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var fingerprint = CertificateFingerprint.Of(certificate);
        return DateRefusal(certificate, fingerprint, now)
            ?? (PeerPins.Contains(fingerprint) ? $"its certificate {fingerprint} is pinned as the peer's, not as one of this party's nodes"
                : PartyPins.Contains(fingerprint) ? null
                : $"its certificate {fingerprint} is not a party pin (duet.tls.party-pins)");
    }

    /// <summary>The actor system's party TLS, or null when its links are plaintext (--insecure).</summary>
    internal static PartyTls? Of(Akka.Actor.ActorSystem system) =>
        system.Settings.Setup.Get<PartyTlsSetup>() is { HasValue: true } setup ? setup.Value.Tls : null;

    /// <summary>Null when the certificate is valid at <paramref name="now"/>; otherwise why not.</summary>
    internal static string? DateRefusal(X509Certificate2 certificate, string fingerprint, DateTimeOffset now)
    {
        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return $"its certificate {fingerprint} is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        }

        return now > certificate.NotAfter.ToUniversalTime()
            ? $"its certificate {fingerprint} expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
            : null;
    }

    /// <summary>
    /// Calls <paramref name="refused"/> when this party refuses the certificate of the remote that the actor path
    /// names, on a link it opened: a configuration error that no retry mends. Disposing the result stops it.
    /// </summary>
    internal IDisposable OnCalleeRefused(string calleePath, Action<LinkRefusal> refused)
    {
        var callee = PartyEndpoint.HostPort(Akka.Actor.ActorPath.Parse(calleePath).Address);
        void Match(LinkRefusal refusal)
        {
            if (refusal.Outbound && refusal.Remote == callee)
            {
                refused(refusal);
            }
        }

        Refused += Match;
        return new Unsubscribe(() => Refused -= Match);
    }

    /// <summary>
    /// Calls <paramref name="refused"/> for the incoming links this party refuses, at most once per
    /// <paramref name="period"/> (the first at once), with the number held back since the last call: anyone who can
    /// reach the listener can cause one. Disposing the result stops it.
    /// </summary>
    public IDisposable OnIncomingRefused(TimeSpan period, Action<LinkRefusal, int> refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var throttle = new Throttle(period);
        void Match(LinkRefusal refusal)
        {
            if (!refusal.Outbound && throttle.Pass(out var leftOut))
            {
                refused(refusal, leftOut);
            }
        }

        Refused += Match;
        return new Unsubscribe(() => Refused -= Match);
    }

    /// <summary>Records a refusal of the transport's (<see cref="LastRefusal"/>) and tells whoever listens.</summary>
    internal void Report(LinkRefusal refusal)
    {
        lastRefusal = refusal;
        Refused?.Invoke(refusal);
    }
}

internal sealed class Unsubscribe(Action action) : IDisposable
{
    public void Dispose() => action();
}

/// <summary>Carries a party's TLS in its actor system's set-up, where its actors find it (<see cref="PartyTls.Of"/>).</summary>
internal sealed class PartyTlsSetup(PartyTls tls) : Akka.Actor.Setup.Setup
{
    public PartyTls Tls { get; } = tls;
}

/// <summary>A link this party refused: the remote address as the transport saw it ("host:port"), and why.</summary>
public sealed record LinkRefusal(string Remote, string Reason)
{
    /// <summary>True when this party opened the link (it called the remote address), false for an incoming one.</summary>
    public bool Outbound { get; init; }

    /// <summary>True when the remote refused this party's certificate (and <see cref="Reason"/> names the certificate
    /// and what the remote said), false when this party refused the remote's.</summary>
    public bool ByPeer { get; init; }

    public override string ToString() => ByPeer
        ? $"the peer at {Remote} refused this party's certificate ({Reason})"
        : $"refused the TLS link with {Remote}: {Reason}";
}

/// <summary>The run ended because this party refused the TLS link to its peer (an unpinned or expired certificate).</summary>
public sealed class LinkRefusedException(LinkRefusal refusal) : Exception($"TLS: {refusal}")
{
    public LinkRefusal Refusal { get; } = refusal;
}
