using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

/// <summary>Member attestation without actors: a party node's answer verifies; the peer's certificate, an unpinned or
/// expired one, an answer relayed for other addresses or another challenge, and a tampered signature or certificate
/// are refused; the attestation messages' codec refuses malformed input.</summary>
public sealed class NodeAttestationTests(ClusterCertificates certs, TlsCertificates tlsCerts) : IClassFixture<ClusterCertificates>, IClassFixture<TlsCertificates>
{
    private static readonly Address SessionNode = new("akka.ssl.tcp", "duet", "10.0.0.10", 25520);
    private static readonly Address Node = new("akka.ssl.tcp", "duet", "10.0.0.11", 25540);
    private static readonly Address Rogue = new("akka.ssl.tcp", "duet", "10.0.0.66", 25540);

    private PartyTls SessionTls => certs.PartyNode(certs.Nodes[0]);

    [Fact]
    public void APartyNodesAnswerIsAccepted()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var answer = NodeAttestation.Answer(challenge, certs.Nodes[1], SessionNode, Node);
        Assert.Null(NodeAttestation.Refusal(answer, challenge, SessionNode, Node, SessionTls, DateTimeOffset.UtcNow));
        Assert.NotEqual(challenge.Challenge, NodeAttestation.Challenge(challenge.SessionId).Challenge);
    }

    [Fact]
    public void AnRsaCertificatePinnedAsAPartyPinIsAccepted()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=party-a-rsa", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var rsa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var tls = new PartyTls(certs.Nodes[0], [ClusterCertificates.Pin(certs.Peer)], [ClusterCertificates.Pin(rsa)]);
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        Assert.Null(NodeAttestation.Refusal(NodeAttestation.Answer(challenge, rsa, SessionNode, Node), challenge, SessionNode, Node, tls, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void ThePeersCertificateAnUnpinnedOneAndAnExpiredOneAreRefused()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        Assert.Contains("pinned as the peer's", Refused(certs.Peer, challenge, SessionTls, now), StringComparison.Ordinal);
        Assert.Contains("not a party pin", Refused(tlsCerts.Stranger, challenge, SessionTls, now), StringComparison.Ordinal);
        var withExpired = new PartyTls(certs.Nodes[0], [ClusterCertificates.Pin(certs.Peer)], [ClusterCertificates.Pin(tlsCerts.Expired)]);
        Assert.Contains("expired", Refused(tlsCerts.Expired, challenge, withExpired, now), StringComparison.Ordinal);
        Assert.Contains("not valid before", Refused(certs.Nodes[1], challenge, SessionTls, now.AddDays(-1)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerForOtherAddressesOrAnotherChallengeIsRefused()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var answer = NodeAttestation.Answer(challenge, certs.Nodes[1], SessionNode, Node);
        var now = DateTimeOffset.UtcNow;

        // A member relaying a party node's answer claims it for its own address.
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer, challenge, SessionNode, Rogue, SessionTls, now), StringComparison.Ordinal);
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer, challenge, Rogue, Node, SessionTls, now), StringComparison.Ordinal);
        var other = NodeAttestation.Challenge(challenge.SessionId);
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer, other, SessionNode, Node, SessionTls, now), StringComparison.Ordinal);
        Assert.Contains("another session", NodeAttestation.Refusal(answer, NodeAttestation.Challenge(Guid.NewGuid()), SessionNode, Node, SessionTls, now), StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedSignatureOrCertificateIsRefused()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var answer = NodeAttestation.Answer(challenge, certs.Nodes[1], SessionNode, Node);
        var signature = answer.Signature.ToArray();
        signature[^1] ^= 1;
        var now = DateTimeOffset.UtcNow;
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer with { Signature = signature }, challenge, SessionNode, Node, SessionTls, now), StringComparison.Ordinal);
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer with { Signature = [1, 2, 3] }, challenge, SessionNode, Node, SessionTls, now), StringComparison.Ordinal);
        Assert.Contains("malformed", NodeAttestation.Refusal(answer with { Certificate = answer.Certificate[..^10] }, challenge, SessionNode, Node, SessionTls, now), StringComparison.Ordinal);

        // Another party node's certificate with this node's signature.
        Assert.Contains("does not verify", NodeAttestation.Refusal(answer with { Certificate = certs.Nodes[2].RawData }, challenge, SessionNode, Node, SessionTls, now), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyAnAnswerSignedOverTheChallengeProvesAnything()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;

        // Any member can send an answer in a party node's name: one carrying the peer's (public) certificate without its
        // signature over this challenge proves nothing, so it must not get that node refused.
        var forged = new AttestAnswer(challenge.SessionId, certs.Peer.RawData, new byte[64]);
        Assert.False(NodeAttestation.Judge(forged, challenge, SessionNode, Node, SessionTls, now).Proven);
        var relayed = NodeAttestation.Answer(NodeAttestation.Challenge(challenge.SessionId), certs.Peer, SessionNode, Node);
        Assert.False(NodeAttestation.Judge(relayed, challenge, SessionNode, Node, SessionTls, now).Proven);

        // The peer answering its own challenge proves that it is the peer: refused.
        var verdict = NodeAttestation.Judge(NodeAttestation.Answer(challenge, certs.Peer, SessionNode, Rogue), challenge, SessionNode, Rogue, SessionTls, now);
        Assert.True(verdict.Proven);
        Assert.Contains("pinned as the peer's", verdict.Refusal, StringComparison.Ordinal);
        Assert.Equal(new AttestVerdict(true, null), NodeAttestation.Judge(NodeAttestation.Answer(challenge, certs.Nodes[1], SessionNode, Node), challenge, SessionNode, Node, SessionTls, now));
    }

    [Fact]
    public void AttestationMessagesRoundTripAndMalformedOnesAreRefused()
    {
        var challenge = NodeAttestation.Challenge(Guid.NewGuid());
        var answer = NodeAttestation.Answer(challenge, certs.Nodes[1], SessionNode, Node);
        foreach (INodeMessage message in new INodeMessage[] { challenge, answer, new SetupAck(challenge.SessionId, 3) })
        {
            var bytes = DuetSerializer.Encode(message);
            Assert.Equal(bytes, DuetSerializer.Encode(DuetSerializer.Decode(bytes, DuetSerializer.ManifestFor(message))));
            Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes[..^1], DuetSerializer.ManifestFor(message)));
            Assert.Throws<SerializationException>(() => DuetSerializer.Decode([.. bytes, 0], DuetSerializer.ManifestFor(message)));
        }

        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(challenge with { Challenge = new byte[31] }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(answer with { Certificate = [] }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(answer with { Signature = new byte[CertificateSignature.MaxSignatureBytes + 1] }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(new SetupAck(challenge.SessionId, -1)));

        // A challenge of 33 bytes, a certificate length over the limit, and a negative part are refused on decoding.
        var longChallenge = DuetSerializer.Encode(challenge);
        BitConverter.GetBytes(NodeAttestation.ChallengeBytes + 1).CopyTo(longChallenge, PeerCodec.Header);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode([.. longChallenge, 0], NodeCodec.AttestChallengeManifest));
        var longCertificate = DuetSerializer.Encode(answer);
        BitConverter.GetBytes(CertificateSignature.MaxCertificateBytes + 1).CopyTo(longCertificate, PeerCodec.Header);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(longCertificate, NodeCodec.AttestAnswerManifest));
        var negativePart = DuetSerializer.Encode(new SetupAck(challenge.SessionId, 0));
        BitConverter.GetBytes(-1).CopyTo(negativePart, PeerCodec.Header);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(negativePart, NodeCodec.SetupAckManifest));
    }

    private static string Refused(X509Certificate2 own, AttestChallenge challenge, PartyTls tls, DateTimeOffset now) =>
        NodeAttestation.Refusal(NodeAttestation.Answer(challenge, own, SessionNode, Node), challenge, SessionNode, Node, tls, now)
        ?? throw new Xunit.Sdk.XunitException($"{CertificateFingerprint.Of(own)} was accepted");
}
