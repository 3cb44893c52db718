using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Actor;
using Duet.Actors.Transport;

namespace Duet.Actors.Cluster;

/// <summary>
/// Member attestation: the session node's TLS accepts its peer's pins as well as its own nodes' (one listener serves
/// both), so cluster membership alone does not prove that a member is one of this party's nodes. Before a member is
/// sent a session's set-up (for the encryptor, the private key) or may register workers, it signs a fresh challenge,
/// bound to both nodes' addresses, with the private key of a certificate pinned as a party pin and not as a peer pin.
/// </summary>
public static class NodeAttestation
{
    public const int ChallengeBytes = 32;

    private static readonly byte[] Domain = "duet-node-attest-v1"u8.ToArray();

    /// <summary>A fresh challenge from the CSPRNG.</summary>
    public static AttestChallenge Challenge(Guid sessionId) => new(sessionId, RandomNumberGenerator.GetBytes(ChallengeBytes));

    /// <summary>The member's answer: its certificate and its signature over the challenge, the session node's address
    /// (the challenge's sender) and its own address.</summary>
    public static AttestAnswer Answer(AttestChallenge challenge, X509Certificate2 certificate, Address sessionNode, Address node)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(certificate);
        var signature = CertificateSignature.Sign(certificate, Message(challenge.SessionId, challenge.Challenge, sessionNode, node));
        return new AttestAnswer(challenge.SessionId, certificate.RawData, signature);
    }

    /// <summary>Null when <paramref name="answer"/> proves that <paramref name="node"/> holds the private key of a
    /// certificate valid now and pinned as a party pin, not a peer pin; otherwise why it does not.</summary>
    public static string? Refusal(AttestAnswer answer, AttestChallenge challenge, Address sessionNode, Address node, PartyTls tls, DateTimeOffset now) =>
        Judge(answer, challenge, sessionNode, node, tls, now).Refusal;

    /// <summary>
    /// What <paramref name="answer"/> proves about <paramref name="node"/>. Only a signature that verifies over this
    /// challenge and both addresses proves anything: the challenge went to the node alone, over its TLS link. An answer
    /// that does not verify (another session's, a malformed certificate, a wrong signature) proves nothing, not even
    /// that the node sent it: Akka's remoting does not authenticate a message's sender, so any member could forge it
    /// in the node's name. A verified answer is then refused when its certificate is not a party pin, is a peer pin,
    /// or is not valid now.
    /// </summary>
    public static AttestVerdict Judge(AttestAnswer answer, AttestChallenge challenge, Address sessionNode, Address node, PartyTls tls, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(tls);
        if (answer.SessionId != challenge.SessionId)
        {
            return new(false, "it answered the challenge of another session");
        }

        var message = Message(challenge.SessionId, challenge.Challenge, sessionNode, node);
        using var certificate = CertificateSignature.Verified(answer.Certificate, message, answer.Signature, "this challenge and these addresses", out var problem);
        return certificate is null ? new(false, problem) : new(true, tls.MemberRefusal(certificate, now));
    }

    /// <summary>The signed bytes: the domain, the session, the challenge and both addresses.</summary>
    private static byte[] Message(Guid sessionId, byte[] challenge, Address sessionNode, Address node) =>
        CertificateSignature.Message(Domain, sessionId.ToByteArray(bigEndian: true), challenge, Encoding.UTF8.GetBytes(sessionNode.ToString()), Encoding.UTF8.GetBytes(node.ToString()));
}

/// <summary>What an attestation answer proves: <see cref="Proven"/> when its signature verifies over the challenge and
/// both addresses, and then <see cref="Refusal"/> is null when the node is admitted; an unproven answer carries why.</summary>
public sealed record AttestVerdict(bool Proven, string? Refusal);
