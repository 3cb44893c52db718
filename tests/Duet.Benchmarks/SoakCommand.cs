using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Duet.Crypto.Encoding;
using Duet.Links;

namespace Duet.Benchmarks;

/// <summary>
/// `soak`: sessions in a row across an emulated metro link (<see cref="LinkEmulator"/>), alternating schemes and A's
/// role, A a cluster of its session node and one long-lived `duet node`, with mutual TLS everywhere. Faults land at
/// random moments: kill -9 of either party, a cut longer than the session timeout, a short cut. Every interrupted
/// session is run again, with `--resume` when both parties kept a journal, until it completes; each one's shares
/// are checked exact, no temporary file may remain, and the worker node's RSS and open files are followed throughout.
/// </summary>
internal static class SoakCommand
{
    public static readonly string[] ValueOptions = ["sessions", "seconds", "seed", "json", "keep", "build"];

    private const string ClusterListen = "127.0.0.1:25530";
    private const int SessionTimeoutSeconds = 6;
    private const int MaxAttempts = 6;
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);
    private static readonly string[] Faults = ["none", "none", "kill-a", "kill-b", "short-cut", "long-cut"];

    public static int Run(CommandOptions options)
    {
        var sessions = options.Int("sessions", 30, 1);
        var budget = TimeSpan.FromSeconds(options.Int("seconds", 1800, 10));
        if (LinkEmulator.Unavailable() is { } reason)
        {
            Console.Error.WriteLine($"soak: skipped: {reason}");
            return 0;
        }

        var keep = options.String("keep");
        var directory = keep is null ? Directory.CreateTempSubdirectory("duet-soak-").FullName : Directory.CreateDirectory(keep).FullName;
        var random = new Random(options.Int("seed", 1));
        try
        {
            var duet = E2eCommand.BuildDuet(E2eCommand.RepositoryRoot(), options.String("build") ?? "r2r");
            var inputs = new Dictionary<string, (Matrix<long> X, Matrix<long> Y)>
            {
                ["bfv"] = (KernelCommand.RandomMatrix(random, 20_000, 64, 16), KernelCommand.RandomMatrix(random, 64, 16, 16)),
                ["paillier"] = (KernelCommand.RandomMatrix(random, 3_000, 100, 16), KernelCommand.RandomMatrix(random, 100, 2, 16)),
            };
            foreach (var (scheme, (x, y)) in inputs)
            {
                NpyFile.Write(Path.Combine(directory, $"x-{scheme}.npy"), x);
                NpyFile.Write(Path.Combine(directory, $"y-{scheme}.npy"), y);
            }

            var certificates = new[] { "a", "b", "node" }.ToDictionary(n => n, n => E2eCommand.MakeCertificate(duet, directory, n));
            // A listener whose caller was killed before it called waits peer-wait for it: as long as the timeout here.
            var common = $"duet.session.key-bits = 2048\nduet.session.timeout = {SessionTimeoutSeconds}s\nduet.session.peer-wait = {SessionTimeoutSeconds}s\n";
            File.WriteAllText(Path.Combine(directory, "a.hocon"), common + $"akka.remote.dot-netty.tcp.public-hostname = \"{LinkEmulator.PublicAddressOfA}\"\n"
                + $"duet.cluster.enabled = on\nduet.cluster.listen = \"{ClusterListen}\"\nduet.tls.party-pins = [\"{certificates["node"].Fingerprint}\"]\n");
            File.WriteAllText(Path.Combine(directory, "b.hocon"), common);

            using var link = LinkEmulator.Create(LinkProfile.Metro);
            link.Forward(LinkedParties.Port);
            var clock = Stopwatch.StartNew();
            using var node = PartyProcess.Start("node", link.In('a')[0], [.. link.In('a').Skip(1), "dotnet", duet, "node", "--seed", ClusterListen, "--cert", certificates["node"].File, "--pin", certificates["a"].Fingerprint], clock);
            var soak = new Soak(duet, directory, link, certificates, clock);
            Console.WriteLine($"soak: up to {sessions} sessions on {link.Profile.Name} ({budget.TotalSeconds} s at most), mutual TLS, A with one worker node; files in {directory}");

            var footprints = new List<(long ResidentBytes, int OpenFiles)>();
            IReadOnlyDictionary<string, int> firstKinds = new Dictionary<string, int>();
            var records = new List<JsonObject>();
            for (var session = 1; session <= sessions && clock.Elapsed < budget; session++)
            {
                var scheme = session % 2 == 1 ? "bfv" : "paillier";
                var role = (session - 1) / 2 % 2 == 0 ? "evaluator" : "encryptor";
                var fault = Faults[random.Next(Faults.Length)];
                var record = soak.Session(session, scheme, role, fault, random.NextDouble(), inputs[scheme]);
                record["leftover_files"] = new JsonArray([.. Leftovers(directory).Select(f => (JsonNode?)f)]);
                if (node.Footprint() is { } footprint)
                {
                    if (footprints.Count == 0)
                    {
                        firstKinds = node.OpenFileKinds();
                    }

                    footprints.Add(footprint);
                    record["node_rss_mb"] = Report.Round(footprint.ResidentBytes / 1048576.0);
                    record["node_open_files"] = footprint.OpenFiles;
                }

                records.Add(record);
                Console.WriteLine($"  {session,3} {scheme,-9}A {role,-10}{fault,-10}injected {record["injected"],-6}attempts {record["attempts"]}, resumes {record["resumes"]}, exact {record["exact"]}"
                    + $", node {record["node_rss_mb"]} MiB / {record["node_open_files"]} files");
            }

            var injected = records.Where(r => (bool)r["injected"]!).GroupBy(r => (string)r["fault"]!).ToDictionary(g => g.Key, g => g.Count());
            var summary = new JsonObject
            {
                ["profile"] = link.Profile.Name,
                ["sessions"] = records.Count,
                ["exact"] = records.Count(r => (bool)r["exact"]!),
                ["faults"] = new JsonObject([.. injected.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                ["resumes"] = records.Sum(r => (int)r["resumes"]!),
                ["restarts"] = records.Sum(r => (int)r["restarts"]!),
                ["leftover_files"] = records.Sum(r => ((JsonArray)r["leftover_files"]!).Count),
                ["node_rss_mb"] = footprints.Count == 0 ? null : new JsonArray(Report.Round(footprints[0].ResidentBytes / 1048576.0), Report.Round(footprints.Max(f => f.ResidentBytes) / 1048576.0), Report.Round(footprints[^1].ResidentBytes / 1048576.0)),
                ["rss_growth_mb"] = footprints.Count < 2 ? null : Report.Round((footprints[^1].ResidentBytes - footprints[0].ResidentBytes) / 1048576.0),
                ["node_open_files"] = footprints.Count == 0 ? null : new JsonArray(footprints[0].OpenFiles, footprints.Max(f => f.OpenFiles), footprints[^1].OpenFiles),
                ["node_open_file_kinds"] = new JsonObject
                {
                    ["first"] = Kinds(firstKinds),
                    ["last"] = Kinds(node.OpenFileKinds()),
                },
                ["seconds"] = Report.Round(clock.Elapsed.TotalSeconds),
                ["runs"] = new JsonArray([.. records.Select(r => (JsonNode?)r)]),
                ["method"] = $"sessions in a row on the metro profile (1 Gbit/s, 5 ms round trip, docs/wan.md), both parties `duet party` in namespaces of their own with mutual TLS and duet.session.timeout = duet.session.peer-wait = {SessionTimeoutSeconds}s, "
                    + "A with duet.cluster.enabled and one `duet node` that lives through the soak; odd sessions BFV (20000x64 by 64x16), even Paillier (3000x100 by 100x2, 2048-bit key), A's role alternating every two; "
                    + "a fault per session drawn from none (2 in 6), kill-a, kill-b (SIGKILL), short-cut (the A link down 2 s), long-cut (down 10 s, beyond the timeout), at a uniformly random moment in the first 3 s after B calls "
                    + "(injected: false when the session had ended by then); an interrupted session is run again with --resume when both parties kept a journal, else (a journal on one side only, or a resume refused) "
                    + "after deleting what is left, until both exit 0 (at most 6 attempts); exact: the two shares add up to X·Y mod 2^64; leftover_files: journals, partial shares and temporaries in the folder once a session completed; "
                    + "node_rss_mb and node_open_files: the worker node's VmRSS and /proc/PID/fd count after the first, the largest and after the last session; rss_growth_mb: last minus first",
            };
            Console.WriteLine($"  sessions {summary["sessions"]}, exact {summary["exact"]}, faults {summary["faults"]!.ToJsonString()}, resumes {summary["resumes"]}, restarts {summary["restarts"]}, leftover files {summary["leftover_files"]}, node RSS (first, peak, last) {summary["node_rss_mb"]!.ToJsonString()} MiB, open files {summary["node_open_files"]!.ToJsonString()}");
            Report.WriteJson(options.String("json"), summary);
            node.Kill();
            return (int)summary["exact"]! == records.Count && (int)summary["leftover_files"]! == 0 ? 0 : 1;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static JsonObject Kinds(IReadOnlyDictionary<string, int> kinds) =>
        new([.. kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))]);

    private static IEnumerable<string> Leftovers(string directory) =>
        Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.Contains(".duet-journal", StringComparison.Ordinal) || n.Contains(".duet-partial", StringComparison.Ordinal) || n.Contains(".tmp-", StringComparison.Ordinal));

    private sealed class Soak(string duet, string directory, LinkEmulator link, Dictionary<string, (string File, string Fingerprint)> certificates, Stopwatch clock)
    {
        private string ShareA => Path.Combine(directory, "share-a.csv");

        private string ShareB => Path.Combine(directory, "share-b.csv");

        public JsonObject Session(int number, string scheme, string role, string fault, double moment, (Matrix<long> X, Matrix<long> Y) input)
        {
            foreach (var file in Directory.EnumerateFiles(directory, "share-*"))
            {
                File.Delete(file);
            }

            var (attempts, resumes, restarts, injected) = (0, 0, 0, false);
            var resume = false;
            var exits = new JsonArray();
            while (attempts < MaxAttempts)
            {
                attempts++;
                var (a, b) = RunPair(scheme, role, resume, attempts == 1 ? fault : "none", moment, ref injected);
                exits.Add(new JsonArray(a, b));
                if ((a, b) == (0, 0))
                {
                    break;
                }

                resume = File.Exists(ShareA + ".duet-journal") && File.Exists(ShareB + ".duet-journal");
                if (resume)
                {
                    resumes++;
                    continue;
                }

                // One side kept nothing to resume from (killed before its journal began, or past its last record): start again.
                foreach (var file in Leftovers(directory))
                {
                    File.Delete(Path.Combine(directory, file));
                }

                restarts++;
            }

            var exact = File.Exists(ShareA) && File.Exists(ShareB) && E2eCommand.Verify(directory, input.X, input.Y, ShareDomain.Ring64);
            return new JsonObject
            {
                ["session"] = number,
                ["scheme"] = scheme,
                ["a_role"] = role,
                ["fault"] = fault,
                ["injected"] = injected,
                ["attempts"] = attempts,
                ["resumes"] = resumes,
                ["restarts"] = restarts,
                ["exits"] = exits,
                ["exact"] = exact,
            };
        }

        private (int A, int B) RunPair(string scheme, string role, bool resume, string fault, double moment, ref bool injected)
        {
            string[] more = resume ? ["--resume"] : [];
            string[] common = ["--scheme", scheme, "--input-bits", "16", .. more];
            var (a, b) = LinkedParties.Start(duet, link,
                ["--config", Path.Combine(directory, "a.hocon"), "--side", "left", "--role", role, "--input", Path.Combine(directory, $"x-{scheme}.npy"), "--output", ShareA, "--name", "a",
                    "--cert", certificates["a"].File, "--pin", certificates["b"].Fingerprint, .. common],
                ["--config", Path.Combine(directory, "b.hocon"), "--side", "right", "--input", Path.Combine(directory, $"y-{scheme}.npy"), "--output", ShareB, "--name", "b",
                    "--cert", certificates["b"].File, "--pin", certificates["a"].Fingerprint, .. common],
                clock);
            using var disposeA = a;
            using var disposeB = b;
            Task<int>[] waits = [a.WaitAsync(), b.WaitAsync()];
            if (fault != "none" && !Task.WaitAll(waits, TimeSpan.FromSeconds(3 * moment)))
            {
                injected = true;
                switch (fault)
                {
                    case "kill-a":
                        a.Kill();
                        break;
                    case "kill-b":
                        b.Kill();
                        break;
                    default:
                        link.Cut();
                        Thread.Sleep(TimeSpan.FromSeconds(fault == "short-cut" ? 2 : 10));
                        link.Restore();
                        break;
                }
            }

            if (!Task.WaitAll(waits, RunLimit))
            {
                a.Kill();
                b.Kill();
                Task.WaitAll(waits);
            }

            return (waits[0].Result, waits[1].Result);
        }
    }
}
