using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;

namespace Duet.Actors.Delivery;

/// <summary>
/// Binds a share offer to the certificate of the party that sent it (docs/protocol.md §10): the sender signs the
/// offer's facts, its session's transcript digest and the fingerprints of the collectors it pins with its TLS
/// certificate's private key, and the collector accepts an offer for a side only when it is signed for this collector
/// by the certificate pinned for that side and valid now. A pinned party can therefore not offer the other side's share.
/// </summary>
public static class SignedOffers
{
    private static readonly byte[] Domain = "duet-share-offer-v1"u8.ToArray();

    /// <summary>The offer signed with <paramref name="certificate"/> for the collectors whose fingerprints are given.</summary>
    /// <exception cref="ArgumentException">No collector, too many, a malformed fingerprint, or no ECDSA or RSA private key.</exception>
    public static ShareOffer Sign(ShareOffer offer, X509Certificate2 certificate, IReadOnlyList<string> collectors)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(collectors);
        string[] names = [.. collectors.Select(c => CertificateFingerprint.Parse(c, "collector pin")).Distinct().Order(StringComparer.Ordinal)];
        if (names.Length is 0 or > OfferSignature.MaxCollectors)
        {
            throw new ArgumentException($"an offer is signed for 1 to {OfferSignature.MaxCollectors} collector certificates, not {names.Length}", nameof(collectors));
        }

        var signature = CertificateSignature.Sign(certificate, Message(offer, names));
        return offer with { Signature = new OfferSignature(names, certificate.RawData, signature) };
    }

    /// <summary>Null when the offer is signed for the collector whose fingerprint is <paramref name="collector"/>, by the
    /// certificate <paramref name="sidePin"/> (the one pinned for the offer's side), valid at <paramref name="now"/>;
    /// otherwise why not, in one line.</summary>
    public static string? Refusal(ShareOffer offer, string sidePin, string collector, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var side = DeliveredShare.Words(offer.Side);
        if (offer.Signature is not { } signed)
        {
            return $"the offer is not signed, and a {side} share is accepted only signed by the {side} side's pinned certificate";
        }

        if (!signed.Collectors.Contains(collector, StringComparer.Ordinal))
        {
            return $"the offer is signed for other collectors ({string.Join(", ", signed.Collectors)}), not for this one ({collector})";
        }

        var signer = CertificateFingerprint.Of(signed.Certificate);
        if (signer != sidePin)
        {
            return $"the offer of the {side} share is signed by the certificate {signer}, not by the one pinned for the {side} side ({sidePin})";
        }

        using var certificate = CertificateSignature.Verified(signed.Certificate, Message(offer, signed.Collectors), signed.Signature, "this offer", out var problem);
        return certificate is null ? problem : PartyTls.DateRefusal(certificate, signer, now);
    }

    /// <summary>The signed bytes: the domain, every fact of the offer but its signature, and the collectors.</summary>
    private static byte[] Message(ShareOffer offer, IReadOnlyList<string> collectors)
    {
        var scale = new byte[3 * sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(scale, offer.FractionBits);
        BinaryPrimitives.WriteInt32BigEndian(scale.AsSpan(sizeof(int)), offer.Rows);
        BinaryPrimitives.WriteInt32BigEndian(scale.AsSpan(2 * sizeof(int)), offer.Columns);
        return CertificateSignature.Message(
            Domain,
            offer.SessionId.ToByteArray(bigEndian: true),
            [(byte)offer.Side, (byte)offer.Domain],
            scale,
            offer.Digest,
            offer.Transcript,
            Encoding.ASCII.GetBytes(string.Join(',', collectors)));
    }
}
