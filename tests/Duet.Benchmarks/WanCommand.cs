using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Duet.Crypto.Encoding;
using Duet.Links;

namespace Duet.Benchmarks;

/// <summary>
/// `wan`: W1 and W3 on both schemes between two `duet party` processes with mutual TLS, each in a network namespace of
/// its own, across an emulated link per profile (<see cref="LinkEmulator"/>: tbf for the rate, a delaying relay for
/// the round trip). Each run is checked exact; `overlap` says whether transfer and computation were pipelined.
/// </summary>
internal static class WanCommand
{
    public static readonly string[] ValueOptions = ["profiles", "schemes", "workloads", "key-bits", "input-bits", "share", "json", "keep", "seed", "build", "config", "repeat"];

    // Transfer and computation pipelined: the wall within this factor of the larger of the two plus 3 round trips.
    private const double OverlapTarget = 1.2;

    private static readonly Dictionary<string, (int Rows, int Inner, int Columns)> Workloads = new()
    {
        ["w1"] = (10_000, 100, 10),
        ["w3"] = (100_000, 100, 1),
    };

    public static int Run(CommandOptions options)
    {
        var profiles = List(options, "profiles", "lan,metro,region").Select(LinkProfile.Parse).ToList();
        var schemes = List(options, "schemes", "bfv,paillier");
        var workloads = List(options, "workloads", "w1,w3");
        if (schemes.Any(s => s is not ("bfv" or "paillier")) || workloads.Any(w => !Workloads.ContainsKey(w)))
        {
            throw new UsageException("--schemes takes bfv and paillier, --workloads w1 and w3 (comma-separated)");
        }

        // The compute time that overlap compares with is the one measured on lan.
        if (profiles[0] != LinkProfile.Lan)
        {
            profiles.Remove(LinkProfile.Lan);
            profiles.Insert(0, LinkProfile.Lan);
        }

        if (LinkEmulator.Unavailable() is { } reason)
        {
            Console.Error.WriteLine($"wan: skipped: {reason}");
            return 0;
        }

        var share = options.String("share") ?? "ring64";
        var repeat = options.Int("repeat", 1, 1);
        var domain = share switch { "ring64" => ShareDomain.Ring64, "integer" => ShareDomain.Integer, _ => throw new UsageException($"--share must be ring64 or integer; got {share}.") };
        var keyConfig = Report.KeyConfig(Report.KeyBits(options), "standard");
        var inputBits = options.Int("input-bits", 32, 1);
        var extraConfig = options.String("config") is { } file ? File.ReadAllText(file) + "\n" : string.Empty;
        var keep = options.String("keep");
        var directory = keep is null ? Directory.CreateTempSubdirectory("duet-wan-").FullName : Directory.CreateDirectory(keep).FullName;
        try
        {
            var duet = E2eCommand.BuildDuet(E2eCommand.RepositoryRoot(), options.String("build") ?? "r2r");
            var random = new Random(options.Int("seed", 1));
            var inputs = workloads.ToDictionary(w => w, w =>
            {
                var (rows, inner, columns) = Workloads[w];
                var x = KernelCommand.RandomMatrix(random, rows, inner, inputBits);
                var y = KernelCommand.RandomMatrix(random, inner, columns, inputBits);
                NpyFile.Write(Path.Combine(directory, $"{w}-x.npy"), x);
                NpyFile.Write(Path.Combine(directory, $"{w}-y.npy"), y);
                return (X: x, Y: y);
            });
            var (certificateA, pinA) = E2eCommand.MakeCertificate(duet, directory, "a");
            var (certificateB, pinB) = E2eCommand.MakeCertificate(duet, directory, "b");
            File.WriteAllText(Path.Combine(directory, "a.hocon"), $"akka.remote.dot-netty.tcp.public-hostname = \"{LinkEmulator.PublicAddressOfA}\"\n{keyConfig}{extraConfig}");
            File.WriteAllText(Path.Combine(directory, "b.hocon"), keyConfig + extraConfig);
            Console.WriteLine($"wan: profiles {string.Join(", ", profiles.Select(p => p.Name))}; schemes {string.Join(", ", schemes)}; workloads {string.Join(", ", workloads)}; {share} shares; mutual TLS; {Environment.ProcessorCount} cores; files in {directory}");

            var runs = new List<WanRun>();
            foreach (var profile in profiles)
            {
                using var link = LinkEmulator.Create(profile);
                link.Forward(LinkedParties.Port);
                if (profile == LinkProfile.Lan)
                {
                    // Unmeasured: the first run warms the file cache and the disk, which would flatter overlap.
                    RunPair(duet, directory, link, schemes[0], workloads[0], share, inputBits, (certificateA, pinA), (certificateB, pinB));
                }

                foreach (var s in schemes)
                {
                    foreach (var w in workloads)
                    {
                        // The run of median wall among --repeat runs: start-up varies by tenths of a second here.
                        var repeats = Enumerable.Range(0, repeat).Select(_ =>
                        {
                            var one = RunPair(duet, directory, link, s, w, share, inputBits, (certificateA, pinA), (certificateB, pinB));
                            return one with { Verified = one.Exit == (0, 0) && E2eCommand.Verify(directory, inputs[w].X, inputs[w].Y, domain) };
                        }).ToList();
                        var median = repeats.OrderBy(r => r.WallSeconds).ElementAt(repeat / 2);
                        var verified = repeats.All(r => r.Verified);
                        runs.Add(median with { Verified = verified, Walls = [.. repeats.Select(r => r.WallSeconds)] });
                        var compute = runs.FirstOrDefault(r => r.Profile == LinkProfile.Lan && r.Scheme == s && r.Workload == w);
                        var last = runs[^1];
                        Console.WriteLine($"  {profile.Name,-7}{s,-9}{w,-4} wall {Report.Format(last.WallSeconds),8} s, A sent {last.SentByA,12:N0} B, B sent {last.SentByB,12:N0} B, transfer {Report.Format(last.TransferSeconds),6} s, overlap {Report.Format(last.Overlap(compute))} (target <= {Report.Format(OverlapTarget)}), exact {verified}");
                    }
                }
            }

            Report.WriteJson(options.String("json"), new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["share"] = share,
                ["input_bits"] = inputBits,
                ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode?)r.Json(runs.FirstOrDefault(c => c.Profile == LinkProfile.Lan && c.Scheme == r.Scheme && c.Workload == r.Workload)))]),
                ["method"] = "each party a `duet party` process (ReadyToRun build) in a network namespace of its own, mutual TLS; A (left, listens on 0.0.0.0 and tells the peer "
                    + $"{LinkEmulator.PublicAddressOfA}) and B (right, calls) joined through a third namespace: tbf at the profile's rate on the A link both ways, and a relay that holds every byte half the "
                    + "round trip each way (the kernel has no netem); wall_s: from starting B (once A listens) to both exiting, the median of --repeat runs (walls_s: all of them, each verified); bytes: each party's summary (sent by A, sent by B); "
                    + "transfer_s: the larger direction's bytes at the profile's rate; compute_s: wall_s of the same scheme and workload on lan; "
                    + "overlap: wall_s / (max(compute_s, transfer_s) + 3 round trips), 1 when transfer and computation are fully pipelined; verified: the two shares add up to X·Y exactly",
            });
            return runs.All(r => r.Verified) ? 0 : 1;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static WanRun RunPair(string duet, string directory, LinkEmulator link, string scheme, string workload, string share, int inputBits, (string Certificate, string Pin) a, (string Certificate, string Pin) b)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "share-*"))
        {
            File.Delete(file);
        }

        string[] common = ["--scheme", scheme, "--share", share, "--input-bits", inputBits.ToString(CultureInfo.InvariantCulture)];
        var clock = Stopwatch.StartNew();
        var (partyA, partyB) = LinkedParties.Start(duet, link,
            ["--config", Path.Combine(directory, "a.hocon"), "--side", "left", "--input", Path.Combine(directory, $"{workload}-x.npy"), "--output", Path.Combine(directory, "share-a.csv"), "--name", "a",
                "--cert", a.Certificate, "--pin", b.Pin, .. common],
            ["--config", Path.Combine(directory, "b.hocon"), "--side", "right", "--input", Path.Combine(directory, $"{workload}-y.npy"), "--output", Path.Combine(directory, "share-b.csv"), "--name", "b",
                "--cert", b.Certificate, "--pin", a.Pin, .. common],
            clock, clockFromB: true);
        using var disposeA = partyA;
        using var disposeB = partyB;
        Task<int>[] waits = [partyA.WaitAsync(), partyB.WaitAsync()];
        Task.WaitAll(waits);
        var wall = clock.Elapsed.TotalSeconds;
        var name = $"{link.Profile.Name}-{scheme}-{workload}";
        File.WriteAllLines(Path.Combine(directory, $"{name}-a.stderr"), partyA.Errors);
        File.WriteAllLines(Path.Combine(directory, $"{name}-b.stderr"), partyB.Errors);
        var summaryA = partyA.Output.Select(E2eCommand.ParseSummary).LastOrDefault(s => s is not null);
        if (waits[0].Result != 0 || waits[1].Result != 0 || summaryA is null)
        {
            Console.WriteLine($"  {name}: exit a {waits[0].Result}, b {waits[1].Result}:\n    {string.Join("\n    ", partyA.Errors.TakeLast(5).Concat(partyB.Errors.TakeLast(5)))}");
        }

        var sentByA = summaryA?.BytesSent ?? 0;
        var sentByB = summaryA?.BytesReceived ?? 0;
        return new WanRun(link.Profile, scheme, workload, wall, sentByA, sentByB, link.Profile.TransferSeconds(Math.Max(sentByA, sentByB)), (waits[0].Result, waits[1].Result), false)
        {
            Phases = new JsonObject { ["a"] = E2eCommand.PhasesJson(partyA.Phases), ["b"] = E2eCommand.PhasesJson(partyB.Phases) },
        };
    }

    private static List<string> List(CommandOptions options, string name, string fallback) =>
        [.. (options.String(name) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private sealed record WanRun(LinkProfile Profile, string Scheme, string Workload, double WallSeconds, long SentByA, long SentByB, double TransferSeconds, (int A, int B) Exit, bool Verified)
    {
        /// <summary>Wall of every repeat, the median's among them.</summary>
        public IReadOnlyList<double> Walls { get; init; } = [];

        /// <summary>Each party's progress lines: first and last seen per phase, in seconds from the launch.</summary>
        public JsonObject? Phases { get; init; }

        public double? Overlap(WanRun? compute) =>
            compute is null ? null : WallSeconds / (Math.Max(compute.WallSeconds, TransferSeconds) + (3 * Profile.RoundTrip.TotalSeconds));

        public JsonObject Json(WanRun? compute) => new()
        {
            ["profile"] = Profile.Name,
            ["rate_bits_per_s"] = Profile.BitsPerSecond,
            ["round_trip_ms"] = Profile.RoundTrip.TotalMilliseconds,
            ["scheme"] = Scheme,
            ["workload"] = Workload,
            ["wall_s"] = Report.Round(WallSeconds),
            ["walls_s"] = new JsonArray([.. Walls.Select(w => (JsonNode?)Report.Round(w))]),
            ["bytes"] = new JsonObject { ["a_to_b"] = SentByA, ["b_to_a"] = SentByB },
            ["transfer_s"] = Report.Round(TransferSeconds),
            ["compute_s"] = compute is null ? null : Report.Round(compute.WallSeconds),
            ["overlap"] = Overlap(compute) is { } o ? Report.Round(o) : null,
            ["exit"] = new JsonArray(Exit.A, Exit.B),
            ["verified"] = Verified,
            ["progress_seen_s"] = Phases?.DeepClone(),
        };
    }
}
