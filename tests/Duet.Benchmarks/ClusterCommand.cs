using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Duet.Crypto.Encoding;

namespace Duet.Benchmarks;

/// <summary>
/// `cluster`: the evaluator party (A, left, the larger operand) as a cluster of `duet party` plus `duet node`
/// processes, one tile worker each, against a single-node encryptor B, on loopback. Four sessions on the same
/// inputs: A as 1 node × 1 worker, A as 2 nodes × 1 worker twice with the same worker node (the speedup, then a running
/// node's next session), and A as 3 nodes with one worker node
/// killed (Process.Kill) when about half the result tiles are done (exact shares, requeued tiles, extra time).
/// </summary>
internal static partial class ClusterCommand
{
    public static readonly string[] ValueOptions = ["rows", "inner", "cols", "key-bits", "input-bits", "seed", "json", "keep", "kill-at", "build", "key-form", "link", "scheme"];

    private const string Dotnet = "dotnet";

    // The most CPU clustering may add to the evaluator party: its CPU in 2x1 over that in 1x1.
    private const double CpuOverheadTarget = 1.10;

    public static int Run(CommandOptions options)
    {
        var rows = options.Int("rows", 20_000, 1);
        var inner = options.Int("inner", 100, 1);
        var columns = options.Int("cols", 1, 1);
        var keyBits = Report.KeyBits(options);
        var keyForm = Report.KeyForm(options);
        var keyConfig = Report.KeyConfig(keyBits, keyForm);
        var inputBits = options.Int("input-bits", 32, 1);
        var seed = options.Int("seed", 1);
        var killAt = options.Int("kill-at", 50, 1);
        var keep = options.String("keep");
        // Paillier by default, unlike `duet party`, so that the recorded cluster results stay comparable.
        var scheme = options.String("scheme") ?? "paillier";
        if (scheme is not ("paillier" or "bfv"))
        {
            throw new UsageException($"--scheme must be paillier or bfv; got {scheme}.");
        }

        var link = options.String("link") ?? "plaintext";
        if (link is not ("plaintext" or "tls"))
        {
            throw new UsageException($"--link must be plaintext or tls; got {link}.");
        }
        var directory = keep is null ? Directory.CreateTempSubdirectory("duet-cluster-").FullName : Directory.CreateDirectory(keep).FullName;
        try
        {
            var build = options.String("build") ?? "r2r";
            var duet = E2eCommand.BuildDuet(E2eCommand.RepositoryRoot(), build);
            var random = new Random(seed);
            var x = KernelCommand.RandomMatrix(random, rows, inner, inputBits);
            var w = KernelCommand.RandomMatrix(random, inner, columns, inputBits);
            NpyFile.Write(Path.Combine(directory, "x.npy"), x);
            NpyFile.Write(Path.Combine(directory, "w.npy"), w);
            Console.WriteLine($"cluster: X {rows}x{inner} (a, evaluator) · W {inner}x{columns} (b, encryptor), {(scheme == "paillier" ? $"paillier, {keyBits}-bit {keyForm} key" : scheme)}, {Environment.ProcessorCount} cores, {(link == "tls" ? "mutual TLS" : "plaintext")} loopback, files in {directory}");

            var links = Links.Make(duet, directory, link == "tls");
            var single = RunSessions(duet, directory, x, w, keyConfig, scheme, inputBits, links, "1x1", workerNodes: 0, killAtPercent: null)[0];
            var pairs = RunSessions(duet, directory, x, w, keyConfig, scheme, inputBits, links, "2x1", workerNodes: 1, killAtPercent: null, sessions: 2);
            var (pair, warm) = (pairs[0], pairs[1]);
            var loss = RunSessions(duet, directory, x, w, keyConfig, scheme, inputBits, links, "3x1-kill", workerNodes: 2, killAtPercent: killAt)[0];
            var speedup = single.EvaluateSeconds / pair.EvaluateSeconds;
            var wallSpeedup = single.PartySeconds / pair.PartySeconds;
            var cpuOverhead = pair.EvaluatorCpuSeconds / single.EvaluatorCpuSeconds;
            var sessionOverhead = pair.SessionCpuSeconds / single.SessionCpuSeconds;
            var warmOverhead = warm.EvaluatorCpuSeconds / single.EvaluatorCpuSeconds;

            // B shares the two cores: its decryptions during A's phase are work the 2x1 party cannot use the cores for.
            var ceiling = 2 * single.KernelSeconds / (single.KernelSeconds + pair.DecryptSeconds);
            Console.WriteLine($"  evaluation phase: 1x1 {Report.Format(single.EvaluateSeconds)} s, 2x1 {Report.Format(pair.EvaluateSeconds)} s: speedup {Report.Format(speedup)}x (evaluator party time {Report.Format(wallSpeedup)}x)");
            Console.WriteLine($"  cost of clustering: evaluator CPU 2x1 / 1x1 = {Report.Format(cpuOverhead)} ({Report.Format(pair.EvaluatorCpuSeconds)} / {Report.Format(single.EvaluatorCpuSeconds)} CPU-s, target <= {Report.Format(CpuOverheadTarget)}); without the worker node's start-up and join: {Report.Format(sessionOverhead)}; a running node's next session: {Report.Format(warmOverhead)} ({Report.Format(warm.EvaluatorCpuSeconds)} CPU-s)");
            Console.WriteLine($"  ceiling on {Environment.ProcessorCount} shared cores: 2 x {Report.Format(single.KernelSeconds)} CPU-s of A's kernel / ({Report.Format(single.KernelSeconds)} + {Report.Format(pair.DecryptSeconds)} CPU-s of B's decryptions) = {Report.Format(ceiling)}x with no other overhead");
            Console.WriteLine($"  node loss: {Report.Format(loss.PartySeconds)} s with 3 nodes, one killed at {killAt} % of the tiles; {loss.Requeued} tiles requeued; exact: {loss.Verified}");
            Report.WriteJson(options.String("json"), new JsonObject
            {
                ["scheme"] = scheme,
                ["rows"] = rows,
                ["inner"] = inner,
                ["cols"] = columns,
                ["key_bits"] = keyBits,
                ["key_form"] = keyForm,
                ["input_bits"] = inputBits,
                ["cores"] = Environment.ProcessorCount,
                ["speedup"] = Report.Round(speedup),
                ["speedup_party_time"] = Report.Round(wallSpeedup),
                ["cpu_overhead"] = Report.Round(cpuOverhead),
                ["session_cpu_overhead"] = Report.Round(sessionOverhead),
                ["warm_cpu_overhead"] = Report.Round(warmOverhead),
                ["colocated_ceiling"] = Report.Round(ceiling),
                ["verified"] = single.Verified && pair.Verified && warm.Verified,
                ["node_loss_verified"] = loss.Verified,
                ["requeued_tiles"] = loss.Requeued,
                ["node_loss_extra_s"] = Report.Round(loss.PartySeconds - pair.PartySeconds),
                ["sessions"] = new JsonArray([.. new[] { single, pair, warm, loss }.Select(s => (JsonNode?)s.Json())]),
                ["seed"] = seed,
                ["build"] = build,
                ["link"] = link,
                ["method"] = $"four sessions in turn on the same inputs, scheme {scheme} (`duet party --scheme`), loopback, plaintext or mutual TLS as `link` says; evaluator A forced to evaluate with duet.workers = 1 on each of its "
                    + "nodes (`duet party` with duet.cluster.enabled = on plus `duet node` processes), encryptor B one node with one worker per core; "
                    + "evaluate_s: A's evaluation phase as its summary line gives it (from its tables built to its last result sent); party_s: A's summary time; "
                    + "speedup: evaluate_s of 1x1 over 2x1; "
                    + "evaluator_cpu_s: user+system CPU of A's session process plus all its `duet node` processes, each at its last /proc sample (every 100 ms): A's before it exits, the nodes' once A and B have exited (or before the killed one died); "
                    + "cpu_overhead: evaluator_cpu_s of 2x1 over 1x1, the CPU clustering costs; node_start_cpu_s: the worker nodes' CPU once they have joined, before B calls (paid once per node, not per session); "
                    + "session_cpu_overhead: (evaluator_cpu_s - node_start_cpu_s) of 2x1 over that of 1x1; "
                    + "2x1-2: a second session with the same worker node, which rejoins when the first session node exits (as `duet node` does between runs), its evaluator_cpu_s counting the node's CPU from the end of the first session; "
                    + "warm_cpu_overhead: evaluator_cpu_s of 2x1-2 over 1x1, the cost of clustering per session once a node runs; node loss: a worker node killed with Process.Kill once A reports kill-at % of its tiles, "
                    + "node_loss_extra_s: its party_s minus that of 2x1; colocated_ceiling: 2 x the 1x1 CPU of A's main kernel (Paillier: multi-exponentiation; BFV: evaluation tiles) over (it + B's decryption CPU in 2x1), "
                    + "the best speedup two shared cores allow when B decrypts on them during A's phase",
            });
            return single.Verified && pair.Verified && warm.Verified && loss.Verified && loss.Requeued > 0 ? 0 : 1;
        }
        catch (BenchmarkFailure failure)
        {
            Console.Error.WriteLine($"cluster: {failure.Message}");
            return 1;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Sessions in turn against the same worker nodes (joined before B first calls): A's session node runs
    /// once per session, as `duet party` does, while the nodes stay up and join each next one.</summary>
    private static List<SessionRun> RunSessions(string duet, string directory, Matrix<long> x, Matrix<long> w, string keyConfig, string scheme, int inputBits, Links links, string name, int workerNodes, int? killAtPercent, int sessions = 1)
    {
        var cluster = $"127.0.0.1:{E2eCommand.FreePort()}";
        var configNode = Path.Combine(directory, "node.hocon");
        File.WriteAllText(configNode, "duet.workers = 1\n");
        var clock = Stopwatch.StartNew();
        var nodes = Enumerable.Range(0, workerNodes)
            .Select(i => PartyProcess.Start($"node{i + 1}", Dotnet, [duet, "node", "--config", configNode, "--seed", cluster, .. links.Node(i)], clock))
            .ToList();
        try
        {
            var runs = new List<SessionRun>();
            // A worker node outlives sessions: its start-up, join and first session's compilation are paid once.
            var nodeCpuBefore = 0.0;
            for (var session = 1; session <= sessions; session++)
            {
                var run = RunSession(duet, directory, x, w, keyConfig, scheme, inputBits, links, session == 1 ? name : $"{name}-{session}", cluster, nodes, nodeCpuBefore, killAtPercent, clock);
                runs.Add(run);
                nodeCpuBefore = nodes.Sum(n => n.CpuSecondsNow);
            }

            return runs;
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Kill();
                node.WaitAsync().GetAwaiter().GetResult();
                File.WriteAllLines(Path.Combine(directory, $"{name}-{node.Name}.stderr"), node.Errors);
                node.Dispose();
            }
        }
    }

    /// <summary>One session: A's session node, its worker nodes' part in it (their CPU from <paramref name="nodeCpuBefore"/>), then B.</summary>
    private static SessionRun RunSession(string duet, string directory, Matrix<long> x, Matrix<long> w, string keyConfig, string scheme, int inputBits, Links links, string name, string cluster, List<PartyProcess> nodes, double nodeCpuBefore, int? killAtPercent, Stopwatch clock)
    {
        var configA = Path.Combine(directory, $"a-{name}.hocon");
        var clusterConfig = nodes.Count > 0 ? $"duet.cluster.enabled = on\nduet.cluster.listen = \"{cluster}\"\n" : "duet.cluster.enabled = off\n";
        File.WriteAllText(configA, $"{clusterConfig}duet.workers = 1\nduet.flow.window = 32\n{keyConfig}{links.PartyConfig}");
        var configB = Path.Combine(directory, "b.hocon");
        File.WriteAllText(configB, $"{keyConfig}duet.flow.window = 32\n");
        foreach (var share in new[] { "share-a.csv", "share-b.csv" })
        {
            File.Delete(Path.Combine(directory, share));
        }

        var address = $"127.0.0.1:{E2eCommand.FreePort()}";
        string[] common = ["--scheme", scheme, "--share", "integer", "--input-bits", inputBits.ToString(CultureInfo.InvariantCulture)];
        var joins = nodes.Select(n => n.Errors.Count(l => l.Contains("joined the party's cluster", StringComparison.Ordinal))).ToList();
        using var a = PartyProcess.Start("a", Dotnet, [duet, "party", "--config", configA, "--side", "left", "--role", "evaluator", "--listen", address, "--input", Path.Combine(directory, "x.npy"), "--output", Path.Combine(directory, "share-a.csv"), "--name", "a", .. common, .. links.A], clock);
        Until(() => nodes.Select((n, i) => n.Errors.Count(l => l.Contains("joined the party's cluster", StringComparison.Ordinal)) > joins[i]).All(joined => joined), TimeSpan.FromSeconds(60), $"{name}: the worker nodes did not join");
        var nodeStartCpu = nodes.Sum(n => n.CpuSecondsNow) - nodeCpuBefore;
        using var b = PartyProcess.Start("b", Dotnet, [duet, "party", "--config", configB, "--side", "right", "--peer", address, "--input", Path.Combine(directory, "w.npy"), "--output", Path.Combine(directory, "share-b.csv"), "--name", "b", .. common, .. links.B], clock);
        Task<int>[] waits = [a.WaitAsync(), b.WaitAsync()];
        if (killAtPercent is { } percent)
        {
            Until(() => EvaluatedPercent(a) >= percent || waits.Any(t => t.IsCompleted), TimeSpan.FromHours(2), $"{name}: A never reached {percent} % of its tiles");
            nodes[0].Kill();
            Console.WriteLine($"  {name}: killed {nodes[0].Name} at {Report.Format(clock.Elapsed.TotalSeconds)} s ({EvaluatedPercent(a)} % of the tiles reported)");
        }

        Task.WaitAll(waits);
        foreach (var (party, exit) in new[] { (a, waits[0].Result), (b, waits[1].Result) })
        {
            File.WriteAllLines(Path.Combine(directory, $"{name}-{party.Name}.stderr"), party.Errors);
            if (exit != 0)
            {
                throw new BenchmarkFailure($"{name}: party {party.Name} exited with {exit}:\n    {string.Join("\n    ", party.Errors.TakeLast(15))}");
            }
        }

        // Every process of the evaluator party: the session node and its worker nodes' CPU since the last session.
        var evaluatorCpu = a.CpuSeconds + nodes.Sum(n => n.CpuSecondsNow) - nodeCpuBefore;
        var summary = a.Output.LastOrDefault(l => l.StartsWith("a: evaluator", StringComparison.Ordinal))
            ?? throw new BenchmarkFailure($"{name}: A printed no summary line");
        var evaluate = Seconds(EvaluationField().Match(summary));
        var summaryB = b.Output.LastOrDefault(l => l.StartsWith("b: encryptor", StringComparison.Ordinal))
            ?? throw new BenchmarkFailure($"{name}: B printed no summary line");
        var run = new SessionRun(name, nodes.Count + 1, evaluate, Seconds(TimeField().Match(summary)), Seconds(KernelField().Match(summary)), Seconds(DecryptField().Match(summaryB)), Requeued(summary), evaluatorCpu, nodeStartCpu, E2eCommand.Verify(directory, x, w, ShareDomain.Integer), summary);
        Console.WriteLine($"  {name}: evaluate {Report.Format(run.EvaluateSeconds)} s, A {Report.Format(run.PartySeconds)} s, evaluator CPU {Report.Format(run.EvaluatorCpuSeconds)} s (nodes before B called: {Report.Format(nodeStartCpu)}), requeued {run.Requeued}, exact {run.Verified}");
        return run;
    }

    private static void Until(Func<bool> condition, TimeSpan limit, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new BenchmarkFailure(failure);
            }

            Thread.Sleep(50);
        }
    }

    private static int EvaluatedPercent(PartyProcess a) =>
        a.Errors.Select(l => EvaluateLine().Match(l)).Where(m => m.Success).Select(m => (int)(100L * int.Parse(m.Groups["done"].Value, CultureInfo.InvariantCulture) / int.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture))).DefaultIfEmpty(0).Max();

    // A duration as the summary line prints it (Units.Duration): "850 ms", "56.3 s" or "2 min 05 s".
    private const string Duration = @"(?:(?<ms>\d+) ms|(?<min>\d+) min (?<sec>\d+) s|(?<s>[\d.]+) s)";

    private static double Seconds(Match match)
    {
        return !match.Success ? double.NaN
            : match.Groups["ms"].Success ? double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture) / 1000
            : match.Groups["min"].Success ? (60 * double.Parse(match.Groups["min"].Value, CultureInfo.InvariantCulture)) + double.Parse(match.Groups["sec"].Value, CultureInfo.InvariantCulture)
            : double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
    }

    private static int Requeued(string summary) => RequeuedField().Match(summary) is { Success: true } m ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^\[a\] evaluate (?<done>\d+)/(?<total>\d+) ")]
    private static partial Regex EvaluateLine();

    [GeneratedRegex(@"\), " + Duration + ", ")]
    private static partial Regex TimeField();

    // ", evaluation" is the phase's wall time; BFV's "kernel CPU: evaluation" follows it.
    [GeneratedRegex(@", evaluation " + Duration + ", ")]
    private static partial Regex EvaluationField();

    // The evaluator's main kernel: Paillier's multi-exponentiation, BFV's whole evaluation tiles.
    [GeneratedRegex(@"kernel CPU: (?:multi-exponentiation|evaluation) " + Duration + ", ")]
    private static partial Regex KernelField();

    [GeneratedRegex(@"decryption " + Duration + ", ")]
    private static partial Regex DecryptField();

    [GeneratedRegex(@"; requeued (?<n>\d+);")]
    private static partial Regex RequeuedField();

    private sealed record SessionRun(string Name, int Nodes, double EvaluateSeconds, double PartySeconds, double KernelSeconds, double DecryptSeconds, int Requeued, double EvaluatorCpuSeconds, double NodeStartCpuSeconds, bool Verified, string Summary)
    {
        public double SessionCpuSeconds => EvaluatorCpuSeconds - NodeStartCpuSeconds;

        public JsonObject Json() => new()
        {
            ["name"] = Name,
            ["evaluator_nodes"] = Nodes,
            ["evaluate_s"] = double.IsNaN(EvaluateSeconds) ? null : Report.Round(EvaluateSeconds),
            ["party_s"] = double.IsNaN(PartySeconds) ? null : Report.Round(PartySeconds),
            ["a_kernel_cpu_s"] = double.IsNaN(KernelSeconds) ? null : Report.Round(KernelSeconds),
            ["b_decrypt_cpu_s"] = double.IsNaN(DecryptSeconds) ? null : Report.Round(DecryptSeconds),
            ["requeued_tiles"] = Requeued,
            ["evaluator_cpu_s"] = Report.Round(EvaluatorCpuSeconds),
            ["node_start_cpu_s"] = Report.Round(NodeStartCpuSeconds),
            ["evaluator_session_cpu_s"] = Report.Round(SessionCpuSeconds),
            ["verified"] = Verified,
            ["summary"] = Summary,
        };
    }

    private sealed class BenchmarkFailure(string message) : Exception(message);
}

/// <summary>
/// The links of a cluster run: plaintext (--insecure everywhere), or mutual TLS as an operator deploys it, with a
/// certificate for A's session node, each of up to two worker nodes and B; A pins B and its nodes (party pins), every
/// node pins A and the other nodes, B pins A.
/// </summary>
internal sealed record Links(string[] A, string[] B, string PartyConfig, Func<int, string[]> Node)
{
    private const int MaxWorkerNodes = 2;

    public static Links Make(string duet, string directory, bool tls)
    {
        if (!tls)
        {
            return new Links(["--insecure"], ["--insecure"], string.Empty, _ => ["--insecure"]);
        }

        var (fileA, pinA) = E2eCommand.MakeCertificate(duet, directory, "a");
        var (fileB, pinB) = E2eCommand.MakeCertificate(duet, directory, "b");
        var nodes = Enumerable.Range(1, MaxWorkerNodes).Select(i => E2eCommand.MakeCertificate(duet, directory, $"node{i}")).ToArray();
        string[] nodePins = [pinA, .. nodes.Select(n => n.Fingerprint)];
        return new Links(
            ["--cert", fileA, "--pin", pinB],
            ["--cert", fileB, "--pin", pinA],
            $"duet.tls.party-pins = [{string.Join(", ", nodes.Select(n => $"\"{n.Fingerprint}\""))}]\n",
            i => ["--cert", nodes[i].File, .. nodePins.SelectMany(pin => new[] { "--pin", pin })]);
    }
}
