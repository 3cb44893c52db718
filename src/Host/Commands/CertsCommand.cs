using System.CommandLine;
using Duet.Actors.Transport;
using Duet.Host.Configuration;
using Duet.Host.Networking;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet certs</c>: a self-signed certificate and its private key for a party's TLS links, and the SHA-256
/// fingerprint (the last line of stdout) that the party gives to its peer, or, for a worker node, that its own party
/// pins: a node is pinned by its own party, never by the peer.
/// </summary>
internal static class CertsCommand
{
    public static Command Create(CommandConsole console)
    {
        var name = new Option<string>("--name") { HelpName = "NAME", Description = "The party's name, written in the certificate's subject (CN=NAME).", Required = true };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "PKCS#12 file to write (.pfx, readable by its owner only).", Required = true };
        var days = new Option<int>("--days") { HelpName = "DAYS", Description = "Days the certificate is valid.", DefaultValueFactory = _ => 365 };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var node = new Option<bool>("--node") { Description = $"The certificate of a worker node ('duet node'): its fingerprint goes in its own party's {LinkSecurity.PartyPinsKey}, never to the peer." };
        var command = new Command("certs", $"Make a self-signed TLS certificate for 'duet party --cert' and print its fingerprint for the peer's --pin (with --node, for the party's own --party-pin). A password for the file is read from {CertificateFile.PasswordVariable} when set.")
        {
            name, output, days, force, node,
        };
        command.SetAction(parsed => Run(console, parsed.GetValue(name)!, parsed.GetValue(output)!, parsed.GetValue(days), parsed.GetValue(force), parsed.GetValue(node)));
        return command;
    }

    private static int Run(CommandConsole console, string name, string path, int days, bool force, bool node)
    {
        if (days is < 1 or > 3650)
        {
            throw new UsageException(Units.Invariant($"--days {days} is out of range; give 1 to 3650"));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException("--name is empty");
        }

        if (File.Exists(path) && !force)
        {
            throw new UsageException($"--out {path}: the file exists; give --force to replace it");
        }

        using var certificate = SelfSignedCertificate.Create(name, TimeSpan.FromDays(days));
        CertificateFile.Write(path, certificate);
        var pinning = node
            ? $"a worker node's: put this fingerprint in its own party's {LinkSecurity.PartyPinsKey} (--party-pin on its session node and other nodes), never give it to the peer:"
            : "give the peer this fingerprint to pin (its --pin; your party's worker nodes pin it with --party-pin):";
        console.Out.WriteLine(Units.Invariant(
            $"wrote a certificate for {name} to {path}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}; {pinning}"));
        console.Out.WriteLine(CertificateFingerprint.Of(certificate));
        return ExitCodes.Success;
    }
}
