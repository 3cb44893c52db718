using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Duet.Actors.Transport;

/// <summary>A party's own certificate: self-signed, ECDSA P-256; trust comes from pinning its fingerprint, not from a CA.</summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create(string name, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (validity < TimeSpan.FromDays(1))
        {
            throw new ArgumentException("a certificate must be valid for at least one day.");
        }

        var now = DateTimeOffset.UtcNow;
        return CreateValidBetween(name, now.AddMinutes(-5), now + validity);
    }

    /// <summary>A certificate valid from notBefore to notAfter (tests use windows that exclude now).</summary>
    internal static X509Certificate2 CreateValidBetween(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN={name.Replace(",", string.Empty, StringComparison.Ordinal)}");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var created = request.CreateSelfSigned(notBefore, notAfter);

        // Through PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
