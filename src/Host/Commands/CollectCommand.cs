using System.CommandLine;
using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Crypto.Encoding;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Networking;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet collect</c>: party C, a third party that receives the two shares of one session from A and B
/// (<c>duet party --deliver-to</c>) over mutual TLS, checks that they belong together, and writes the product, or
/// keeps both shares, or both. C learns the product; A and B learn only that C received their share.
/// </summary>
internal static class CollectCommand
{
    public const string ListenKey = "duet.collect.listen";
    public const string LeftPinKey = "duet.collect.pins.left";
    public const string RightPinKey = "duet.collect.pins.right";

    public static Command Create(CommandConsole console)
    {
        var config = new Option<string?>("--config") { HelpName = "FILE", Description = "HOCON configuration (duet.collect.*, duet.tls.*); options below override it." };
        var listen = new Option<string?>("--listen") { HelpName = "HOST:PORT", Description = $"HOST:PORT to listen on for the two parties' deliveries ({ListenKey})." };
        var output = new Option<string?>("--output") { HelpName = "FILE", Description = "Product file to write (.csv or .npy); reals when the product carries fraction bits." };
        var shares = new Option<string?>("--shares") { HelpName = "DIR", Description = "Directory to keep both shares in, with their metadata (share-left.*, share-right.*)." };
        var wait = new Option<string?>("--wait") { HelpName = "DURATION", Description = "How long to wait for both shares, such as 90s or 10m; 0 waits forever (duet.collect.wait) [default: 5m]." };
        var cert = new Option<string?>("--cert") { HelpName = "FILE", Description = $"This collector's TLS certificate and key from 'duet certs' (duet.tls.certificate); its password, if any, from {CertificateFile.PasswordVariable}." };
        var pinLeft = new Option<string?>("--pin-left") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of party A's certificate: only it may deliver the left share ({LeftPinKey})." };
        var pinRight = new Option<string?>("--pin-right") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of party B's certificate: only it may deliver the right share ({RightPinKey})." };
        // Kept, hidden, to answer a pin that names no side with what to give instead.
        var pin = new Option<string[]>("--pin") { Hidden = true, AllowMultipleArgumentsPerToken = false };
        var insecure = new Option<bool>("--insecure") { Description = "No TLS: plaintext, unauthenticated links; allowed only on a loopback address." };
        var log = new Option<string?>("--log") { HelpName = "FILE", Description = "File for Akka's own log [default: duet-collect-<pid>.log in the temporary directory]." };
        var verbose = new Option<bool>("--verbose") { Description = "Akka's own log on stderr instead of a file." };
        var command = new Command("collect", "Run party C: receive both parties' shares of one session (they run 'duet party --deliver-to') and write the product.")
        {
            config, listen, output, shares, wait, cert, pinLeft, pinRight, pin, insecure, log, verbose,
        };
        command.SetAction((parsed, cancellation) => RunAsync(
            console,
            new CollectOptions(
                parsed.GetValue(config),
                parsed.GetValue(listen),
                parsed.GetValue(output),
                parsed.GetValue(shares),
                parsed.GetValue(wait),
                parsed.GetValue(cert),
                parsed.GetValue(pinLeft),
                parsed.GetValue(pinRight),
                (parsed.GetValue(pin) ?? []).Length > 0,
                parsed.GetValue(insecure),
                parsed.GetValue(log),
                parsed.GetValue(verbose)),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(CommandConsole console, CollectOptions options, CancellationToken cancellation)
    {
        var file = PartyCommand.LoadConfig(options.Config);
        var listen = options.Listen ?? file.GetString(ListenKey, null);
        if (string.IsNullOrWhiteSpace(listen))
        {
            throw new UsageException($"give --listen HOST:PORT for the parties to deliver to ({ListenKey} in the configuration)");
        }

        if (options.Output is null && options.Shares is null)
        {
            throw new UsageException("give --output FILE for the product, --shares DIR to keep both shares, or both");
        }

        var settings = Settings(file, options.Wait);
        var pins = Pins(file, options);
        var endpoint = LinkSecurity.Secure(PartyAddresses.Endpoint(file, listen, null), file, options.Config, options.Certificate, pins is null ? [] : [pins.Left, pins.Right], [], options.Insecure);
        if (options.Output is not null)
        {
            OutputFiles.Check(options.Output, "--output");
        }

        if (options.Shares is not null)
        {
            CheckDirectory(options.Shares);
        }

        PartyAddresses.CheckPortIsFree(endpoint, options.Listen is null ? ListenKey : "--listen");
        if (endpoint.Tls is null)
        {
            console.Note("warning", LinkSecurity.InsecureWarning);
        }

        var waits = settings.Wait <= TimeSpan.Zero ? "waits forever: duet.collect.wait = 0" : $"gives up after {Units.Duration(settings.Wait)}: --wait";
        console.Error.WriteLine($"[collect] waiting for the two shares of one session on {endpoint.Host}:{endpoint.Port} ({waits})");
        console.LogFile = options.Verbose ? null : Path.GetFullPath(options.Log ?? AkkaLog.DefaultFile("collect"));
        var extra = AkkaLog.Configuration(console.LogFile).WithFallback(file);
        var collected = await ShareDelivery.CollectAsync(endpoint, pins, settings, cancellation, extra).ConfigureAwait(false);

        var (left, right) = (collected.Left, collected.Right);
        var written = new List<string>();
        MatrixFileAccess.WriteTogether(() =>
        {
            if (options.Output is not null)
            {
                written.Add($"{RevealCommand.WriteProduct(options.Output, left.Values, right.Values, left.Domain, left.FractionBits)} -> {options.Output}");
            }

            if (options.Shares is not null)
            {
                written.Add($"shares -> {KeepShare(options.Shares, left)}, {KeepShare(options.Shares, right)}");
            }
        });
        console.Out.WriteLine(Units.Invariant(
            $"collect: received the left and right shares of session {left.SessionId} ({left.Values.Rows}x{left.Values.Columns}, {Units.Words(left.Domain)} shares, {left.FractionBits} fraction bits); {string.Join("; ", written)}"));
        return ExitCodes.Success;
    }

    /// <summary>Each side's pin (options over the configuration); null with --insecure, which pins nothing.</summary>
    private static CollectorPins? Pins(Config file, CollectOptions options)
    {
        const string Sides = $"give --pin-left with A's certificate fingerprint and --pin-right with B's ({LeftPinKey}, {RightPinKey}), as 'duet certs' printed them";
        if (options.GenericPin || file.GetStringList(LinkSecurity.PeerPinsKey, []).Count > 0)
        {
            throw new UsageException($"{(options.GenericPin ? "--pin" : LinkSecurity.PeerPinsKey)} does not say which party a certificate is, and a collector binds each side to its party: {Sides}");
        }

        var (left, right) = (options.PinLeft ?? file.GetString(LeftPinKey, null), options.PinRight ?? file.GetString(RightPinKey, null));
        if (options.Insecure)
        {
            return left is null && right is null ? null : throw new UsageException("--insecure runs without TLS; it cannot be combined with --pin-left or --pin-right");
        }

        if (string.IsNullOrWhiteSpace(left) || string.IsNullOrWhiteSpace(right))
        {
            throw new UsageException($"no pin for the {(string.IsNullOrWhiteSpace(left) ? "left" : "right")} side: {Sides}");
        }

        try
        {
            return new CollectorPins(left, right);
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message, error);
        }
    }

    private static DeliverySettings Settings(Config file, string? wait)
    {
        var settings = DeliverySettings.FromConfig(file);
        if (wait is null)
        {
            return settings;
        }

        try
        {
            return settings with { Wait = DeliverySettings.FromConfig(ConfigurationFactory.ParseString($"duet.collect.wait = \"{wait.Replace("\"", string.Empty, StringComparison.Ordinal)}\"")).Wait };
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"--wait {wait}: not a duration such as 90s, 10m or 0", error);
        }
    }

    /// <summary>A share as 'duet party' would have written it, with its metadata, for 'duet reveal' to read.</summary>
    private static string KeepShare(string directory, DeliveredShare share)
    {
        var path = Path.Combine(directory, $"share-{Units.Words(share.Side)}.{(share.Domain == ShareDomain.Ring64 ? "npy" : "csv")}");
        OutputFiles.WriteShare(path, share.Values, share.Domain);
        ShareMetadata.Of(share).WriteBeside(path);
        return path;
    }

    private static void CheckDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new UsageException($"--shares {directory}: directory does not exist");
        }

        MatrixFileAccess.ProbeWritable(full, problem => new UsageException($"--shares {directory}: cannot write in this directory ({problem})"));
    }

    private sealed record CollectOptions(
        string? Config,
        string? Listen,
        string? Output,
        string? Shares,
        string? Wait,
        string? Certificate,
        string? PinLeft,
        string? PinRight,
        bool GenericPin,
        bool Insecure,
        string? Log,
        bool Verbose);
}
