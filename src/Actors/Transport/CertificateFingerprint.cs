using System.Buffers;
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

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Of(certificate.RawData);
    }

    /// <summary>The fingerprint of a certificate's DER encoding, before (or without) parsing it.</summary>
    public static string Of(ReadOnlySpan<byte> der) => Prefix + Convert.ToHexStringLower(SHA256.HashData(der));

    /// <summary>The 32 bytes of a fingerprint in its canonical form (<see cref="Of(X509Certificate2)"/>'s); null for anything else.</summary>
    public static byte[]? Bytes(string fingerprint) =>
        fingerprint.Length == Prefix.Length + (2 * SHA256.HashSizeInBytes) && fingerprint.StartsWith(Prefix, StringComparison.Ordinal) && fingerprint.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex) is false
            ? Convert.FromHexString(fingerprint.AsSpan(Prefix.Length))
            : null;

    /// <summary>The canonical fingerprint of 32 bytes read off the wire.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes) => Prefix + Convert.ToHexStringLower(bytes);

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
