using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Transport;
using Duet.Host.Configuration;

namespace Duet.Host.Networking;

/// <summary>
/// How <c>duet party</c> secures its link: mutual TLS from its certificate, the peer's pinned fingerprints and its own
/// nodes' (configuration, overridden by --cert, --pin and --party-pin), or, with --insecure, plaintext on loopback
/// addresses only.
/// </summary>
internal static class LinkSecurity
{
    public const string CertificateKey = "duet.tls.certificate";
    public const string PeerPinsKey = "duet.tls.peer-pins";
    public const string PartyPinsKey = "duet.tls.party-pins";

    public static PartyEndpoint Secure(PartyEndpoint endpoint, Config file, string? configPath, string? certificate, IReadOnlyList<string> pins, IReadOnlyList<string> partyPins, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(partyPins);
        if (insecure)
        {
            if (certificate is not null || pins.Count > 0 || partyPins.Count > 0)
            {
                throw new UsageException("--insecure runs without TLS; it cannot be combined with --cert, --pin or --party-pin");
            }

            try
            {
                endpoint.CheckPlaintextIsLoopback();
            }
            catch (ArgumentException error)
            {
                throw new UsageException($"--insecure: {error.Message}", error);
            }

            return endpoint;
        }

        var path = certificate ?? RelativeTo(configPath, file.GetString(CertificateKey, null));
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException(
                $"no TLS certificate: make one with 'duet certs --name NAME --out NAME.pfx', give it with --cert NAME.pfx ({CertificateKey}) and pin the peer's fingerprint with --pin ({PeerPinsKey}); --insecure runs without TLS on loopback only");
        }

        var source = certificate is null ? CertificateKey : "--cert";
        var own = CertificateFile.Read(path, source);
        try
        {
            IEnumerable<string> peerPins = pins.Count > 0 ? pins : file.GetStringList(PeerPinsKey, []);
            IEnumerable<string> nodePins = partyPins.Count > 0 ? partyPins : file.GetStringList(PartyPinsKey, []);
            return endpoint with { Tls = new PartyTls(own, peerPins, nodePins) };
        }
        catch (ArgumentException error)
        {
            own.Dispose();
            throw new UsageException(error.Message, error);
        }
    }

    /// <summary>A path from the configuration file is relative to that file's directory.</summary>
    /// <summary>Said once the run starts, when it starts without TLS.</summary>
    public const string InsecureWarning = "--insecure: the link to the peer is plaintext and unauthenticated; fit for this machine only";

    public static string? RelativeTo(string? configPath, string? path) =>
        path is null || configPath is null || Path.IsPathRooted(path)
            ? path
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? string.Empty, path);
}
