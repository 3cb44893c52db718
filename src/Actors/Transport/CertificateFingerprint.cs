using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Duet.Actors.Transport;

/// <summary>
/// The SHA-256 fingerprint of a certificate's DER encoding, written <c>sha256:</c> and 64 lower-case hex digits: the
/// string two parties exchange out of band and pin (never the SHA-1 <c>Thumbprint</c>).
/// </summary>
public static class CertificateFingerprint
{
    public const string Prefix = "sha256:";

    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    /// <summary>Reads a fingerprint as a user may paste it (prefix optional, colons and case ignored); names the source on failure.</summary>
    public static string Parse(string text, string source)
    {
        var hex = (text ?? string.Empty).Trim();
        if (hex.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[Prefix.Length..];
        }

        hex = hex.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"{source} '{text}' is not a SHA-256 fingerprint (sha256: followed by 64 hex digits, as 'duet certs' prints it).");
        }

        return Prefix + hex;
    }
}
