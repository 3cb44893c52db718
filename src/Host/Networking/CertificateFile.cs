using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Host.Networking;

/// <summary>
/// A party's certificate and private key in a PKCS#12 file, created readable by its owner only. The password, if
/// any, comes from the environment variable <see cref="PasswordVariable"/>, never from the command line.
/// </summary>
internal static class CertificateFile
{
    public const string PasswordVariable = "DUET_CERT_PASSWORD";

    public static string? Password => Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password ? password : null;

    public static void Write(string path, X509Certificate2 certificate)
    {
        var bytes = certificate.Export(X509ContentType.Pkcs12, Password);
        MatrixFileAccess.WriteAtomically(path, stream => stream.Write(bytes), ownerOnly: true);
    }

    public static X509Certificate2 Read(string path, string source)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{source} {path}: file not found (make one with 'duet certs --name NAME --out {Path.GetFileName(path)}')");
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new UsageException($"{source} {path}: holds no private key; use the .pfx file that 'duet certs' wrote");
            }

            return certificate;
        }
        catch (CryptographicException error)
        {
            throw new UsageException($"{source} {path}: not a readable PKCS#12 certificate ({error.Message.TrimEnd('.')}; is {PasswordVariable} set as when it was made?)", error);
        }
    }
}
