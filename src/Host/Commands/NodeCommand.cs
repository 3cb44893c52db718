using System.CommandLine;
using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Transport;
using Duet.Actors.Cluster;
using Duet.Host.Configuration;
using Duet.Host.Networking;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet node</c>: a worker node of a party that is a cluster. It joins the party's session node (a <c>duet party</c>
/// with <c>duet.cluster.enabled = on</c>), computes the tiles of its sessions, and serves until Ctrl+C, when it
/// leaves the cluster. It holds no share and writes no file.
/// </summary>
internal static class NodeCommand
{
    public const string SeedNodesKey = "duet.cluster.seed-nodes";

    public static Command Create(CommandConsole console)
    {
        var config = new Option<string?>("--config") { HelpName = "FILE", Description = "HOCON configuration (see hocon/party-a-node.hocon); options below override it." };
        var listen = new Option<string?>("--listen") { HelpName = "HOST:PORT", Description = "HOST:PORT this node listens on for its party (duet.party.listen) [default: an ephemeral port toward the seed]." };
        var seed = new Option<string[]>("--seed") { HelpName = "HOST:PORT", Description = $"HOST:PORT of the party's session node; repeatable ({SeedNodesKey})." };
        var cert = new Option<string?>("--cert") { HelpName = "FILE", Description = "This node's TLS certificate and key from 'duet certs' (duet.tls.certificate)." };
        var pin = new Option<string[]>("--party-pin", "--pin") { HelpName = "FINGERPRINT", Description = $"SHA-256 fingerprint of another node of this party (its session node first), as 'duet certs' printed it; repeatable ({LinkSecurity.PartyPinsKey}).", AllowMultipleArgumentsPerToken = false };
        var insecure = new Option<bool>("--insecure") { Description = "No TLS: plaintext, unauthenticated links; allowed only when every address is loopback." };
        var log = new Option<string?>("--log") { HelpName = "FILE", Description = "File for Akka's own log [default: duet-node-<pid>.log in the temporary directory]." };
        var verbose = new Option<bool>("--verbose") { Description = "Akka's own log on stderr instead of a file." };
        var command = new Command("node", "Run a worker node of a party: join its session node's cluster and compute tiles until Ctrl+C.")
        {
            config, listen, seed, cert, pin, insecure, log, verbose,
        };
        command.SetAction((parsed, cancellation) => RunAsync(
            console,
            parsed.GetValue(config),
            parsed.GetValue(listen),
            parsed.GetValue(seed) ?? [],
            parsed.GetValue(cert),
            parsed.GetValue(pin) ?? [],
            parsed.GetValue(insecure),
            parsed.GetValue(log),
            parsed.GetValue(verbose),
            cancellation));
        return command;
    }

    /// <summary>Where a party's tiles were computed, for its summary line: empty for a party of one node.</summary>
    public static string Describe(PartyStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.TilesByNode.Count <= 1 && statistics.TilesRequeued == 0)
        {
            return string.Empty;
        }

        var nodes = string.Join(", ", statistics.TilesByNode.Select(n => Units.Invariant($"{n.Key} {n.Value}")));
        return Units.Invariant($"; tiles per node: {nodes}; requeued {statistics.TilesRequeued}");
    }

    private static async Task<int> RunAsync(
        CommandConsole console, string? configPath, string? listen, string[] seedOptions, string? certificate, string[] pinOptions, bool insecure, string? log, bool verbose, CancellationToken cancellation)
    {
        var file = PartyCommand.LoadConfig(configPath);
        IReadOnlyList<string> seeds = seedOptions.Length > 0 ? seedOptions : [.. file.GetStringList(SeedNodesKey, [])];
        if (seeds.Count == 0)
        {
            throw new UsageException($"give the party's session node with --seed HOST:PORT ({SeedNodesKey} in the configuration)");
        }

        foreach (var s in seeds)
        {
            _ = PartyEndpoint.ParseHostPort(s, seedOptions.Length > 0 ? "--seed" : SeedNodesKey);
        }

        // A node accepts its own party's nodes only: the party pins stand where a session node has its peer's.
        IReadOnlyList<string> pins = pinOptions.Length > 0 ? pinOptions : [.. file.GetStringList(LinkSecurity.PartyPinsKey, [])];
        if (!insecure && pins.Count == 0)
        {
            throw new UsageException($"pin the certificates of this party's session node (and other nodes) with --party-pin or {LinkSecurity.PartyPinsKey}");
        }

        var endpoint = LinkSecurity.Secure(PartyAddresses.Endpoint(file, listen, seeds[0]), file, configPath, certificate, insecure ? [] : pins, [], insecure);
        if (endpoint.Tls is { } tls)
        {
            endpoint = endpoint with { Tls = new PartyTls(tls.Certificate, pins, pins) };
        }
        if (endpoint.Tls is null)
        {
            console.Note("warning", "--insecure: the links to this party's other nodes are plaintext and unauthenticated; fit for this machine only");
        }

        console.LogFile = verbose ? null : Path.GetFullPath(log ?? AkkaLog.DefaultFile("node"));
        var extra = ConfigurationFactory.ParseString(Units.Invariant($"""
            akka.remote.dot-netty.tcp.hostname = "{endpoint.Host}"
            akka.remote.dot-netty.tcp.port = {endpoint.Port}
            """)).WithFallback(AkkaLog.Configuration(console.LogFile)).WithFallback(file);
        console.Error.WriteLine(Units.Invariant($"[node] joining the party's session node at {string.Join(", ", seeds)}; Ctrl+C leaves"));
        var stop = await DuetNode.ServeAsync(endpoint with { Peer = null }, seeds, extra, line => console.Error.WriteLine($"[node] {line}"), cancellation).ConfigureAwait(false);
        console.Error.WriteLine(stop switch
        {
            NodeStop.Left => "[node] left the cluster",
            NodeStop.LeaveUnconfirmed => "[node] stopped; the cluster did not confirm its leave in time (the session node removes it as unreachable)",
            _ => "[node] stopped before joining the cluster",
        });
        return 0;
    }
}
