using System.CommandLine;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Crypto.MatMul;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Networking;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet deliver</c>: sends a share file that <c>duet party</c> wrote (with its metadata beside it) to a collector,
/// as <c>duet party --deliver-to</c> does at the end of a session: to deliver later, or again after a failed delivery.
/// </summary>
internal static class DeliverCommand
{
    public static Command Create(CommandConsole console)
    {
        var config = new Option<string?>("--config") { HelpName = "FILE", Description = "HOCON configuration (duet.delivery.*, duet.tls.certificate); options below override it." };
        var share = new Option<string>("--share") { HelpName = "FILE", Description = "A share file written by 'duet party', with its .duet.json metadata beside it.", Required = true };
        var to = new Option<string?>("--to") { HelpName = "HOST:PORT", Description = $"The collector ('duet collect') to send it to ({DeliveryTarget.ToKey})." };
        var cert = new Option<string?>("--cert") { HelpName = "FILE", Description = $"This party's TLS certificate and key from 'duet certs' (duet.tls.certificate); its password, if any, from {CertificateFile.PasswordVariable}." };
        var pin = new Option<string[]>("--pin") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of the collector's certificate; repeatable ({DeliveryTarget.PinsKey}).", AllowMultipleArgumentsPerToken = false };
        var insecure = new Option<bool>("--insecure") { Description = "No TLS: plaintext, unauthenticated link; allowed only to a loopback address." };
        var log = new Option<string?>("--log") { HelpName = "FILE", Description = "File for Akka's own log [default: duet-deliver-<pid>.log in the temporary directory]." };
        var command = new Command("deliver", "Send a share file to a collector ('duet collect'), as 'duet party --deliver-to' does after its session.")
        {
            config, share, to, cert, pin, insecure, log,
        };
        command.SetAction((parsed, cancellation) => RunAsync(
            console,
            parsed.GetValue(config),
            parsed.GetValue(share)!,
            parsed.GetValue(to),
            parsed.GetValue(cert),
            parsed.GetValue(pin) ?? [],
            parsed.GetValue(insecure),
            parsed.GetValue(log),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(
        CommandConsole console, string? configPath, string sharePath, string? to, string? certificate, IReadOnlyList<string> pins, bool insecure, string? log, CancellationToken cancellation)
    {
        var file = PartyCommand.LoadConfig(configPath);
        if (!File.Exists(sharePath))
        {
            throw new UsageException($"--share {sharePath}: file not found");
        }

        var metadata = ShareMetadata.ReadBeside(sharePath);
        var transcript = metadata.TranscriptDigest(sharePath);
        var values = MatrixFiles.ReadIntegers(sharePath);
        if (values.Rows != metadata.Rows || values.Columns != metadata.Columns)
        {
            throw new UsageException($"--share {sharePath}: it is {values.Rows}x{values.Columns}, not {metadata.Rows}x{metadata.Columns} as its metadata says (changed since it was written?)");
        }

        // This party's certificate, pinning the collector (the only other end of this link).
        IReadOnlyList<string> collectorPins = pins.Count > 0 ? pins : [.. file.GetStringList(DeliveryTarget.PinsKey, [])];
        var own = LinkSecurity.Secure(new PartyEndpoint("127.0.0.1", 0), file, configPath, certificate, insecure ? pins : collectorPins, [], insecure);
        var target = DeliveryTarget.Read(file, to, pins, own) ?? throw new UsageException($"give the collector's address with --to HOST:PORT ({DeliveryTarget.ToKey})");
        if (own.Tls is null)
        {
            console.Note("warning", LinkSecurity.InsecureWarning);
        }

        console.LogFile = Path.GetFullPath(log ?? AkkaLog.DefaultFile("deliver"));
        var side = PartySettings.ParseEnum<OperandSide>(metadata.Side, "side");
        var report = await target.SendAsync(new DeliveredShare(metadata.Session, side, metadata.ShareDomain, metadata.FractionBits, values, transcript).Source(), "deliver", console, cancellation).ConfigureAwait(false);
        console.Out.WriteLine($"deliver: {metadata.Side} share of session {metadata.Session} ({metadata.Rows}x{metadata.Columns}, {metadata.Domain} shares) -> {DeliveryTarget.Describe(report)}");
        return ExitCodes.Success;
    }
}
