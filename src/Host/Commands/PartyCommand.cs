using Duet.Crypto.Schemes;
using Duet.Crypto;
using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Networking;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet party</c>: one party of one session, from a HOCON file plus command-line overrides. Writes this party's
/// share, and the product when it is revealed to this party.
/// </summary>
internal static class PartyCommand
{
    // Keys the host reads besides those of PartySettings.FromConfig.
    private const string KeyFileKey = "duet.party.key-file";

    public static Command Create(CommandConsole console)
    {
        var config = new Option<string?>("--config") { HelpName = "FILE", Description = "HOCON configuration (see hocon/party-a.hocon); options below override it." };
        var input = new Option<string>("--input") { HelpName = "FILE", Description = "This party's matrix (.csv or .npy).", Required = true };
        var output = new Option<string?>("--output") { HelpName = "FILE", Description = "This party's share file: .npy or .csv for ring64, .csv for integer shares; optional with --deliver-to." };
        var product = new Option<string?>("--product") { HelpName = "FILE", Description = "Product file, written when the product is revealed to this party [default: <output>.product.<ext>]." };
        var listen = new Option<string?>("--listen") { HelpName = "HOST:PORT", Description = "HOST:PORT to listen on and wait for the peer (duet.party.listen)." };
        var peer = new Option<string?>("--peer") { HelpName = "HOST:PORT", Description = "HOST:PORT of the peer to call (duet.party.peer)." };
        var role = WordOption.Create<RolePreference>("--role", "Role to ask for (duet.session.role).");
        var side = WordOption.Create<OperandSide>("--side", "Operand this party holds in P = L·R (duet.party.side).");
        var share = WordOption.Create<ShareDomain>("--share", "Share domain (duet.session.share-domain).");
        var reveal = WordOption.Create<Reveal>("--reveal", "Who also receives the product, by operand side; both parties pass the same word (duet.session.reveal).");
        var scheme = WordOption.Create<Scheme>("--scheme", "Homomorphic scheme, the same for both parties unless one says auto: bfv, paillier or auto (duet.session.scheme).");
        var key = new Option<string?>("--key") { HelpName = "FILE", Description = "Private key file from 'duet keygen', used when this party encrypts (duet.party.key-file)." };
        var keyForm = WordOption.Create<KeyForm>("--key-form", "Form of the session key generated when this party encrypts: standard, or fast (experimental, see the README) (duet.session.key-form).");
        var acceptFastKey = new Option<bool>("--accept-fast-key") { Description = "When this party evaluates, accept the encryptor's key of the experimental fast form, which shortens this party's re-randomisers (see the README); refused otherwise (duet.session.accept-fast-key)." };
        var inputBits = new Option<int?>("--input-bits") { HelpName = "BITS", Description = "Declared bound of this party's entries, |x| < 2^b after scaling (duet.party.input-bits)." };
        var fractionBits = new Option<int?>("--frac-bits") { HelpName = "BITS", Description = "Fixed-point fraction bits of this party's entries; needed for reals (duet.party.frac-bits)." };
        var header = new Option<bool>("--header") { Description = "The CSV input starts with a header line." };
        var name = new Option<string?>("--name") { HelpName = "NAME", Description = "This party's name in progress lines, logs and the peer's view (duet.party.name) [default: its side]." };
        var cert = new Option<string?>("--cert") { HelpName = "FILE", Description = $"This party's TLS certificate and key from 'duet certs' (duet.tls.certificate); its password, if any, from {CertificateFile.PasswordVariable}." };
        var pin = new Option<string[]>("--pin") { HelpName = "FINGERPRINT", Description = "SHA-256 fingerprint of the peer's certificate, as 'duet certs' printed it; repeatable (duet.tls.peer-pins).", AllowMultipleArgumentsPerToken = false };
        var partyPin = new Option<string[]>("--party-pin") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of one of this party's own worker nodes ('duet node'), as 'duet certs' printed it; repeatable ({LinkSecurity.PartyPinsKey}).", AllowMultipleArgumentsPerToken = false };
        var insecure = new Option<bool>("--insecure") { Description = "No TLS: plaintext, unauthenticated link; allowed only when every address is loopback." };
        var log = new Option<string?>("--log") { HelpName = "FILE", Description = "File for Akka's own log [default: duet-<name>-<pid>.log in the temporary directory]." };
        var verbose = new Option<bool>("--verbose") { Description = "Akka's own log on stderr instead of a file." };
        var statusFile = new Option<string?>("--status-file") { HelpName = "FILE", Description = "Keep a small JSON status (state, phase, rows done, rate, time left) in FILE for monitoring, replaced atomically." };
        var deliverTo = new Option<string?>("--deliver-to") { HelpName = "HOST:PORT", Description = $"Send this party's share, once both parties confirmed, to the collector ('duet collect') there ({DeliveryTarget.ToKey})." };
        var deliverPin = new Option<string[]>("--deliver-pin") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of the collector's certificate; repeatable ({DeliveryTarget.PinsKey}).", AllowMultipleArgumentsPerToken = false };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted streamed run of --output from its journal (<output>.duet-journal); both parties pass it." };
        var command = new Command("party", "Run one party of a session: wait for the peer (--listen) or call it (--peer), over mutual TLS with pinned certificates.")
        {
            config, input, output, product, listen, peer, role, side, share, reveal, scheme, key, keyForm, acceptFastKey, inputBits, fractionBits, header, name, cert, pin, partyPin, insecure, log, verbose, statusFile, deliverTo, deliverPin, resume,
        };
        command.SetAction((parsed, cancellation) => RunAsync(
            console,
            new PartyOptions(
                parsed.GetValue(config),
                parsed.GetValue(input)!,
                parsed.GetValue(output),
                parsed.GetValue(product),
                parsed.GetValue(listen),
                parsed.GetValue(peer),
                parsed.GetValue(role),
                parsed.GetValue(side),
                parsed.GetValue(share),
                parsed.GetValue(reveal),
                parsed.GetValue(scheme),
                parsed.GetValue(key),
                parsed.GetValue(keyForm),
                parsed.GetValue(acceptFastKey),
                parsed.GetValue(inputBits),
                parsed.GetValue(fractionBits),
                parsed.GetValue(header),
                parsed.GetValue(name),
                parsed.GetValue(cert),
                parsed.GetValue(pin) ?? [],
                parsed.GetValue(partyPin) ?? [],
                parsed.GetValue(insecure),
                parsed.GetValue(log),
                parsed.GetValue(verbose),
                parsed.GetValue(statusFile),
                parsed.GetValue(deliverTo),
                parsed.GetValue(deliverPin) ?? [],
                parsed.GetValue(resume)),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(CommandConsole console, PartyOptions options, CancellationToken cancellation)
    {
        var file = LoadConfig(options.Config);
        var settings = Settings(file, options, console.Error);
        using var key = settings.Key;
        var endpoint = LinkSecurity.Secure(PartyAddresses.Endpoint(file, options.Listen, options.Peer), file, options.Config, options.Certificate, options.Pins, options.PartyPins, options.Insecure);
        var delivery = DeliveryTarget.Read(file, options.DeliverTo, options.DeliverPins, endpoint);
        var (sharePath, productPath) = OutputPaths(options, settings, delivery);

        StatusFile.Check(options.StatusFile);
        // Read by blocks of rows: checked whole now, then read again only by the rows a tile needs (or whole when the session needs it).
        using var operand = OperandFile.Open(options.Input, options.Header, settings.InputBits, settings.FractionBits, "--frac-bits (or duet.party.frac-bits)", OutputFiles.ScratchDirectory(sharePath));
        // A run with --output streams its share to the file; a delivery then reads it back from there. Only a run that
        // delivers without --output holds its share in memory, and a delivery run keeps no journal.
        var streamed = sharePath is not null;
        (var journal, settings) = PartyResume.Prepare(options.Resume, sharePath, streamed && delivery is null, settings, operand);
        using var resumedKey = settings.Key == key ? null : settings.Key;
        if (endpoint.Peer is null)
        {
            PartyAddresses.CheckPortIsFree(endpoint, options.Listen is null ? PartyAddresses.ListenKey : "--listen");
        }

        if (endpoint.Tls is null)
        {
            console.Note("warning", LinkSecurity.InsecureWarning);
        }

        if (PartyAddresses.ClusterListen(file, endpoint) is { } cluster)
        {
            console.Error.WriteLine(Units.Invariant($"[{settings.Name}] the party's cluster listens on {cluster} for its worker nodes"));
        }

        // Said on every kind of stderr: a listener may wait minutes, and silence looks like a hang.
        console.Error.WriteLine(endpoint.Peer is null
            ? Units.Invariant($"[{settings.Name}] {Units.Words(settings.Side)} operand {operand.Description}; waiting for the peer on {endpoint.Host}:{endpoint.Port} ({PeerWait(settings.PeerWait)})")
            : Units.Invariant($"[{settings.Name}] {Units.Words(settings.Side)} operand {operand.Description}; calling the peer at {endpoint.Peer}"));

        // Said at once, not only in Akka's log; anyone who can reach the listener can be refused, so at most one line per 10 s.
        using var refusals = endpoint.Tls?.OnIncomingRefused(TimeSpan.FromSeconds(10), (refusal, leftOut) => console.Note("warning", Units.Invariant(
            $"refused a connection from {refusal.Remote}: {refusal.Reason}{(leftOut > 0 ? $" ({leftOut} more refused since the last such line)" : string.Empty)}")));
        console.LogFile = options.Verbose ? null : Path.GetFullPath(options.Log ?? AkkaLog.DefaultFile(settings.Name));
        var extra = ConfigurationFactory.ParseString(Units.Invariant($"""
            akka.remote.dot-netty.tcp.hostname = "{endpoint.Host}"
            akka.remote.dot-netty.tcp.port = {endpoint.Port}
            """)).WithFallback(AkkaLog.Configuration(console.LogFile)).WithFallback(file);
        // The outputs are written before this party confirms and renamed into place after the session completed.
        // Without a delivery the share streams to its file as tiles finish, and a revealed product is added from the two
        // share files (a delivery sends the share held in memory); only a run without a reveal keeps a journal.
        var status = new StatusFile(options.StatusFile, settings.Name);
        using var outputs = sharePath is null ? null : new PartyOutputs(sharePath, productPath, settings.Side, streamed, journal, settings.Reveal.ReachesSide(settings.Side), delivered: delivery is not null);
        var result = await ProgressDisplay.RunAsync(
            console,
            display =>
            {
                var session = DuetParty.RunAsync(settings, operand, endpoint, status.Around(display.For(settings.Name)), cancellation, extra, outputs is null ? null : outputs.Prepare, outputs?.Sink, outputs?.Journal, outputs?.PeerSink);
                return status.Track(outputs is null ? session : outputs.CommitAfter(session));
            }).ContinueWith(run => PartyResume.HintAfter(run, outputs?.KeptJournal, console), TaskScheduler.Default).Unwrap().ConfigureAwait(false);

        // Delivered after both parties confirmed, from the final share (the one the share file holds).
        var delivered = delivery is null ? null : await delivery.SendAsync(result, settings.Side, settings.Name, sharePath, outputs?.DeliverySource(result), console, cancellation).ConfigureAwait(false);
        var written = string.Join("; ", new[]
        {
            sharePath is null ? null
                : result.Product is not null || outputs?.ProductWritten == true ? $"share -> {sharePath}, product -> {productPath}"
                : delivered is null ? $"share -> {sharePath}; to reveal: {RevealCommand.CommandFor(sharePath, productPath, settings.Side)}"
                : $"share -> {sharePath}",
            delivered is null ? null : DeliveryTarget.Describe(delivered),
        }.OfType<string>());

        var s = result.Statistics;
        if (!Shares.IsExact(result.Domain, s.Plan.ProductBits))
        {
            console.Note("note", Units.Invariant(
                $"{settings.Name}: the declared bounds allow |P| up to 2^{s.Plan.ProductBits}, but ring64 shares give P exactly only where |P| < 2^{Shares.Ring64ExactBits}: {Ring64Bounds.ForParty(s.Plan.ProductBits, settings.InputBits)}"));
        }

        console.Out.WriteLine(Units.Invariant(
            $"{settings.Name}: {(s.IsEncryptor ? "encryptor" : "evaluator")}, {Units.Words(settings.Side)} operand {operand.Rows}x{operand.Columns}, product {result.ProductShape.Rows}x{result.ProductShape.Columns} ({Units.Words(result.Domain)} shares), {Units.Duration(s.Total)}, {PlanText.Describe(s.Plan)}, operand in {Units.Count(s.Plan.EncryptBlocks, "block")}, result in {Units.Count(s.Plan.Tiles, "tile")}{PartyResume.Describe(s, settings)} ({result.ProductShape.Rows / Math.Max(s.Total.TotalSeconds, 1e-3):0.#} rows/s), {PlanText.Kernels(s)}, sent {Units.Bytes(s.BytesSent)}, received {Units.Bytes(s.BytesReceived)}{NodeCommand.Describe(s)}; {written}"));
        return ExitCodes.Success;
    }

    /// <summary>The share file (none when the share is only delivered) and the product file, checked writable.</summary>
    private static (string? Share, string Product) OutputPaths(PartyOptions options, PartySettings settings, DeliveryTarget? delivery)
    {
        if (options.Output is null)
        {
            if (delivery is null)
            {
                throw new UsageException("give --output FILE for this party's share, --deliver-to HOST:PORT to send it to a collector, or both");
            }

            return settings.Reveal.ReachesSide(settings.Side)
                ? throw new UsageException("the product is revealed to this party (--reveal): give --output too, beside which it is written")
                : (null, string.Empty);
        }

        OutputFiles.CheckShare(options.Output, settings.Domain, "--output");
        var productPath = options.Product ?? OutputFiles.ProductPathBeside(options.Output);
        if (settings.Reveal.ReachesSide(settings.Side))
        {
            OutputFiles.Check(productPath, "--product");
        }

        return (options.Output, productPath);
    }

    private static string PeerWait(TimeSpan wait) =>
        wait <= TimeSpan.Zero ? "waits forever: duet.session.peer-wait = 0" : $"gives up after {Units.Duration(wait)}: duet.session.peer-wait";

    /// <summary>The HOCON file, or an empty configuration (the embedded defaults apply) when none is given.</summary>
    internal static Config LoadConfig(string? path)
    {
        if (path is null)
        {
            return Config.Empty;
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"--config {path}: file not found");
        }

        var config = HoconText.Parse(File.ReadAllText(path), $"--config {path}");
        ConfigKeys.Check(config, $"--config {path}");
        return config;
    }

    private static PartySettings Settings(Config file, PartyOptions options, TextWriter warnings)
    {
        var settings = HoconText.Settings(file, $"--config {options.Config}");

        settings = settings with { Side = options.Side ?? settings.Side };
        settings = settings with
        {
            Name = options.Name ?? (file.HasPath("duet.party.name") ? settings.Name : Units.Words(settings.Side)),
            Role = options.Role ?? settings.Role,
            Domain = options.Share ?? settings.Domain,
            Reveal = options.Reveal ?? settings.Reveal,
            Scheme = options.Scheme ?? settings.Scheme,
            InputBits = options.InputBits ?? settings.InputBits,
            FractionBits = options.FractionBits ?? settings.FractionBits,
            KeyForm = options.KeyForm ?? settings.KeyForm,
            AcceptFastKey = options.AcceptFastKey || settings.AcceptFastKey,
        };

        var keyFile = options.Key ?? LinkSecurity.RelativeTo(options.Config, file.GetString(KeyFileKey, null));
        if (keyFile is not null)
        {
            var key = ReadKey(keyFile, settings.MinKeyBits);
            WarnIfShared(keyFile, warnings);
            settings = settings with { Key = key, KeyBits = key.PublicKey.Bits };
        }

        try
        {
            settings.Validate();
        }
        catch
        {
            settings.Key?.Dispose();
            throw;
        }

        return settings;
    }

    /// <summary>One warning line on stderr when the private key file is readable by its group or by others.</summary>
    internal static void WarnIfShared(string path, TextWriter warnings)
    {
        const UnixFileMode Shared = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & Shared) != 0)
        {
            warnings.WriteLine(Units.Invariant(
                $"duet: warning: --key {path} is readable by its group or others (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}); it holds a private key, 'chmod 600' it"));
        }
    }

    private static PaillierPrivateKey ReadKey(string path, int minimumBits)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--key {path}: file not found");
        }

        try
        {
            return PaillierPrivateKey.FromJson(File.ReadAllText(path), minimumBits);
        }
        catch (Exception error) when (error is ValidationException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            throw new UsageException($"--key {path}: not a usable private key: {error.Message}", error);
        }
    }

    private sealed record PartyOptions(
        string? Config,
        string Input,
        string? Output,
        string? Product,
        string? Listen,
        string? Peer,
        RolePreference? Role,
        OperandSide? Side,
        ShareDomain? Share,
        Reveal? Reveal,
        Scheme? Scheme,
        string? Key,
        KeyForm? KeyForm,
        bool AcceptFastKey,
        int? InputBits,
        int? FractionBits,
        bool Header,
        string? Name,
        string? Certificate,
        IReadOnlyList<string> Pins,
        IReadOnlyList<string> PartyPins,
        bool Insecure,
        string? Log,
        bool Verbose,
        string? StatusFile,
        string? DeliverTo,
        IReadOnlyList<string> DeliverPins,
        bool Resume);
}
