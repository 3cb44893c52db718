using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Duet.Actors.Transport;

/// <summary>
/// Signatures with the private key of a party's TLS certificate, for what a TLS link does not tell the actor that
/// receives a message: which certificate sent it. The signer sends its certificate (DER) and a signature over fields
/// that bind it to this use (a domain string first); the receiver verifies it and then checks the certificate against
/// its pins. ECDSA with SHA-256, or RSA-PSS with SHA-256, whichever key the certificate holds.
/// </summary>
public static class CertificateSignature
{
    /// <summary>The most bytes of a signer's certificate (DER) on the wire.</summary>
    public const int MaxCertificateBytes = 16 * 1024;

    /// <summary>The most bytes of a signature: RSA-8192.</summary>
    public const int MaxSignatureBytes = 1024;

    /// <summary>The signature of <paramref name="message"/> with the certificate's private key.</summary>
    /// <exception cref="ArgumentException">The certificate has no ECDSA or RSA private key.</exception>
    public static byte[] Sign(X509Certificate2 certificate, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var ecdsa = certificate.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? certificate.GetRSAPrivateKey() : null;
        return ecdsa?.SignData(message, HashAlgorithmName.SHA256)
            ?? rsa?.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            ?? throw new ArgumentException("the certificate has no ECDSA or RSA private key", nameof(certificate));
    }

    /// <summary>
    /// The signer's certificate when <paramref name="signature"/> verifies over <paramref name="message"/> with it (the
    /// caller disposes it and still checks it against its pins and dates); otherwise null and, in
    /// <paramref name="problem"/>, why not, naming <paramref name="what"/> was signed.
    /// </summary>
    public static X509Certificate2? Verified(byte[] certificate, byte[] message, byte[] signature, string what, out string? problem)
    {
        X509Certificate2 signer;
        try
        {
            signer = X509CertificateLoader.LoadCertificate(certificate);
        }
        catch (CryptographicException error)
        {
            problem = $"its certificate is malformed: {error.Message}";
            return null;
        }

        problem = Verifies(signer, message, signature) switch
        {
            null => $"its certificate {CertificateFingerprint.Of(signer)} has no ECDSA or RSA key",
            false => $"its signature does not verify with its certificate {CertificateFingerprint.Of(signer)} over {what}",
            true => null,
        };
        if (problem is null)
        {
            return signer;
        }

        signer.Dispose();
        return null;
    }

    /// <summary>The signed bytes: each field length-prefixed (big-endian), so that no two lists of fields sign alike.</summary>
    public static byte[] Message(params ReadOnlySpan<byte[]> fields)
    {
        var length = 0;
        foreach (var field in fields)
        {
            length += sizeof(int) + field.Length;
        }

        var message = new byte[length];
        var at = 0;
        foreach (var field in fields)
        {
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(at), field.Length);
            field.CopyTo(message, at + sizeof(int));
            at += sizeof(int) + field.Length;
        }

        return message;
    }

    /// <summary>Whether the signature verifies with the certificate's key; null when the key is neither ECDSA nor RSA.</summary>
    private static bool? Verifies(X509Certificate2 certificate, byte[] message, byte[] signature)
    {
        try
        {
            using var ecdsa = certificate.GetECDsaPublicKey();
            using var rsa = ecdsa is null ? certificate.GetRSAPublicKey() : null;
            return ecdsa?.VerifyData(message, signature, HashAlgorithmName.SHA256)
                ?? rsa?.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
