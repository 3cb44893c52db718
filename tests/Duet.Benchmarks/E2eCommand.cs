using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Reference;

namespace Duet.Benchmarks;

/// <summary>
/// `e2e`: two real `duet party` processes (Release build) on loopback multiply random X (party A, left) by W (party B,
/// right) with integer shares; the shares are checked exactly against X·W, and the wall time is compared with the
/// textbook per-element protocol (<see cref="TextbookBaseline"/>) run in this process on the same backend.
/// </summary>
internal static partial class E2eCommand
{
    public static readonly string[] ValueOptions =
        ["rows", "inner", "cols", "key-bits", "input-bits", "json", "baseline-rows", "keep", "seed", "compare-insecure", "scheme", "share", "key-form", "reveal", "table-memory", "build", "link-mbps", BackendChoice.Option];

    private const string Dotnet = "dotnet";
    private const string DuetDll = "src/Host/bin/Release/net10.0/duet.dll";
    private const double Mebibyte = 1 << 20;
    private const int StderrTail = 20;

    public static int Run(CommandOptions options)
    {
        var backend = BackendChoice.Apply(options); // sets DUET_ARITHMETIC, which the parties inherit
        var rows = options.Int("rows", 10_000, 1);
        var inner = options.Int("inner", 100, 1);
        var columns = options.Int("cols", 10, 1);
        var keyBits = Report.KeyBits(options);
        var inputBits = options.Int("input-bits", 32, 1);
        var keyForm = Report.KeyForm(options);
        if (inputBits > FixedPoint.MaxInputBits)
        {
            throw new UsageException($"--input-bits must be at most {FixedPoint.MaxInputBits}; got {inputBits}.");
        }

        var baselineRows = KernelCommand.BaselineRows(options, rows, inner, columns);
        var seed = options.Int("seed", 1);
        var link = new LinkChoice(options.String("scheme") ?? "paillier", options.String("share") ?? "integer", keyForm, options.String("reveal") ?? "none", options.String("table-memory"), options.Int("link-mbps", 1000, 1));
        var keep = options.String("keep");
        var directory = keep is null ? Directory.CreateTempSubdirectory("duet-e2e-").FullName : Directory.CreateDirectory(keep).FullName;
        try
        {
            var build = options.String("build") ?? "r2r";
            var duet = BuildDuet(RepositoryRoot(), build);
            var random = new Random(seed);
            var x = KernelCommand.RandomMatrix(random, rows, inner, inputBits);
            var w = KernelCommand.RandomMatrix(random, inner, columns, inputBits);
            Console.WriteLine($"e2e: X {rows}x{inner} (a, left) · W {inner}x{columns} (b, right), |entries| < 2^{inputBits}, {link.Scheme} with {link.Share} shares, {keyBits}-bit {keyForm} key, {backend} backend, {Environment.ProcessorCount} cores, files in {directory}");

            // The measured run uses mutual TLS, as `duet party` does by default; `--compare-insecure yes` also times
            // the same session over plaintext loopback (first, so neither run profits from a warmer disk cache).
            Session? insecure = options.String("compare-insecure") is "yes" ? RunParties(duet, directory, x, w, keyBits, inputBits, link, tls: false) : null;
            var session = RunParties(duet, directory, x, w, keyBits, inputBits, link, tls: true);
            var (e, v) = session.A.Summary.IsEncryptor ? (session.A, session.B) : (session.B, session.A);
            var verified = Verify(directory, x, w, link.Domain);
            PrintParties(session, verified);
            if (link.IsBfv)
            {
                var lattice = Duet.Crypto.Lattice.CoefficientPlan.Create(rows, inner, columns, inputBits, inputBits, domain: link.Domain, linkMbps: link.LinkMbps);
                Console.WriteLine($"  BFV plan {lattice}; the Paillier textbook baseline is not run for BFV");

                // The floor start-up sets: a trivial session on the same link in the same run (issue 26's wall target is relative to it).
                var floorDirectory = Directory.CreateDirectory(Path.Combine(directory, "floor")).FullName;
                var (fx, fw) = (KernelCommand.RandomMatrix(random, 10, 10, inputBits), KernelCommand.RandomMatrix(random, 10, 2, inputBits));
                var floor = RunParties(duet, floorDirectory, fx, fw, keyBits, inputBits, link, tls: true);
                var floorVerified = Verify(floorDirectory, fx, fw, link.Domain);
                var (fe, fv) = floor.A.Summary.IsEncryptor ? (floor.A, floor.B) : (floor.B, floor.A);
                Console.WriteLine(
                    $"  floor 10x10·10x2: wall {Report.Format(floor.WallSeconds)} s, cpu {Report.Format(fe.CpuSeconds)} + {Report.Format(fv.CpuSeconds)} s (verified: {floorVerified}); " +
                    $"this run {Report.Format(session.WallSeconds - floor.WallSeconds)} s above it, {Report.Format(e.CpuSeconds + v.CpuSeconds)} cpu-s for both, {Report.Format((e.Summary.BytesSent + v.Summary.BytesSent) / 1e6)} MB both ways");
                var bfvJson = SessionJson(session, e, v, verified, lattice.ToString(), link, rows, inner, columns, inputBits, backend, seed);
                bfvJson["floor_wall_s"] = Report.Round(floor.WallSeconds);
                bfvJson["floor_cpu_s_e"] = Report.Round(fe.CpuSeconds);
                bfvJson["floor_cpu_s_v"] = Report.Round(fv.CpuSeconds);
                bfvJson["floor_verified"] = floorVerified;
                bfvJson["over_floor_s"] = Report.Round(session.WallSeconds - floor.WallSeconds);
                bfvJson["cpu_s_both"] = Report.Round(e.CpuSeconds + v.CpuSeconds);
                bfvJson["bytes_both"] = e.Summary.BytesSent + v.Summary.BytesSent;
                Report.WriteJson(options.String("json"), bfvJson);
                return verified && floorVerified ? 0 : 1;
            }

            var plan = PackingPlan.Create(rows, inner, columns, inputBits, inputBits, keyBits);
            using var key = PaillierKeyGenerator.Generate(keyBits);

            // Warm-up as in `kernel`: JIT, and the key's lazily built CRT halves and randomiser tables, kept out of the baseline.
            var warmRows = Math.Min(rows, 2);
            PaillierReferenceProtocol.Run(new Matrix<long>(warmRows, inner, x.Data[..(warmRows * inner)]), w, new ProtocolParameters(inputBits, inputBits, keyBits), key, OperandSide.Right, parallelism: 0);
            var textbook = RunBaseline(x, w, plan, key, baselineRows, RandomiserMode.Classic);
            Console.WriteLine("  per-element reference with the DJN randomiser:");
            var djn = RunBaseline(x, w, plan, key, baselineRows, RandomiserMode.Djn);
            var baselineVerified = textbook.Verified && djn.Verified;
            var speedup = textbook.Seconds / session.WallSeconds;
            Console.WriteLine($"  wall {Report.Format(session.WallSeconds)} s, baseline {Report.Format(textbook.Seconds)} s (ran {baselineRows} of {rows} rows), speedup {Report.Format(speedup)}x"
                + $" (vs DJN per-element {Report.Format(djn.Seconds / session.WallSeconds)}x), verified: {verified}");

            if (insecure is not null)
            {
                Console.WriteLine($"  TLS {Report.Format(session.WallSeconds)} s against plaintext {Report.Format(insecure.WallSeconds)} s: TLS costs {Report.Format(100 * ((session.WallSeconds / insecure.WallSeconds) - 1))} % of wall time");
            }

            var json = SessionJson(session, e, v, verified, plan.ToString(), link, rows, inner, columns, inputBits, backend, seed);
            json["key_bits"] = keyBits;
            json["key_form"] = keyForm;
            json["build"] = build == "r2r" ? "ReadyToRun publish (framework-dependent, this machine's RID)" : "Release build (IL, JIT at start-up)";
            json["wall_insecure_s"] = insecure is null ? null : Report.Round(insecure.WallSeconds);
            json["tls_overhead_pct"] = insecure is null ? null : Report.Round(100 * ((session.WallSeconds / insecure.WallSeconds) - 1));
            foreach (var (name, value) in new JsonObject
            {
                ["baseline_s"] = Report.Round(textbook.Seconds),
                ["speedup"] = Report.Round(speedup),
                ["baseline_rows"] = baselineRows,
                ["baseline_scaled"] = baselineRows < rows,
                ["baseline_verified"] = baselineVerified,
                ["baseline"] = "textbook: W and masks encrypted as (1 + m·n)·r^n with a full-size r^n, c^x per term, CRT decryption",
                ["baseline_djn_s"] = Report.Round(djn.Seconds),
                ["speedup_vs_djn_per_element"] = Report.Round(djn.Seconds / session.WallSeconds),
                ["baseline_setup_s"] = Report.Round(textbook.SetupSeconds),
                ["baseline_chunks"] = new JsonArray([.. textbook.Chunks.Select(c => (JsonNode?)new JsonObject
                {
                    ["rows"] = c.Rows,
                    ["seconds"] = Report.Round(c.Seconds),
                    ["other_load_cores"] = Report.RoundLoad(c.OtherCores),
                })]),
            }.ToList())
            {
                json[name] = value?.DeepClone();
            }

            json["method"] = json["method"]!.GetValue<string>() + "; baseline: per-element protocol in this process after a warm-up, W encrypted, setup + best of the row chunks per row × rows";
            Report.WriteJson(options.String("json"), json);
            return verified && baselineVerified ? 0 : 1;
        }
        catch (BenchmarkFailure failure)
        {
            Console.Error.WriteLine($"e2e: {failure.Message}");
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

    /// <summary>The per-element protocol on <paramref name="baselineRows"/> rows, scaled to all rows.</summary>
    private static BaselineRun RunBaseline(Matrix<long> x, Matrix<long> w, PackingPlan plan, PaillierPrivateKey key, int baselineRows, RandomiserMode randomiser)
    {
        using var baseline = new TextbookBaseline(x, w, plan.ProductBits, plan.Sigma, key, Environment.ProcessorCount, randomiser);
        var chunks = baseline.RunChunks(baselineRows, KernelCommand.BaselineChunks);
        var seconds = baseline.Estimate(chunks, x.Rows);
        Console.WriteLine($"  {randomiser} baseline: {Report.Format(baseline.SetupSeconds)} s to encrypt and invert W + best chunk per row × {x.Rows} rows = {Report.Format(seconds)} s");
        return new BaselineRun(seconds, baseline.SetupSeconds, chunks, chunks.All(c => c.Mismatches == 0));
    }

    /// <summary>What every e2e run reports, whichever the scheme.</summary>
    private static JsonObject SessionJson(
        Session session, PartyRun e, PartyRun v, bool verified, string plan, LinkChoice link, int rows, int inner, int columns, int inputBits, string backend, int seed) => new()
        {
            ["link"] = "mutual TLS, pinned self-signed ECDSA P-256 certificates",
            ["scheme"] = link.Scheme,
            ["share"] = link.Share,
            ["reveal"] = link.Reveal,
            ["table_memory"] = link.TableMemory ?? "default",
            ["link_mbps_hint"] = link.LinkMbps,
            ["rows"] = rows,
            ["inner"] = inner,
            ["cols"] = columns,
            ["input_bits"] = inputBits,
            ["wall_s"] = Report.Round(session.WallSeconds),
            ["verified"] = verified,
            ["bytes_e_to_v"] = e.Summary.BytesSent,
            ["bytes_v_to_e"] = v.Summary.BytesSent,
            ["peak_rss_mb_e"] = Report.Round(e.PeakResidentBytes / Mebibyte),
            ["peak_rss_mb_v"] = Report.Round(v.PeakResidentBytes / Mebibyte),
            ["encryptor"] = e.Side,
            ["backend"] = backend,
            ["cores"] = Environment.ProcessorCount,
            ["plan"] = plan,
            ["party_s_e"] = Report.Round(e.Summary.Seconds),
            ["party_s_v"] = Report.Round(v.Summary.Seconds),
            ["cpu_s_e"] = Report.Round(e.CpuSeconds),
            ["cpu_s_v"] = Report.Round(v.CpuSeconds),
            ["cpu_phases_e"] = CpuJson(e),
            ["cpu_phases_v"] = CpuJson(v),
            ["progress_seen_s_e"] = PhasesJson(e.Phases),
            ["progress_seen_s_v"] = PhasesJson(v.Phases),
            ["other_load_cores"] = Report.RoundLoad(session.OtherCores),
            ["method"] = $"wall_s: launch of both `dotnet duet.dll party` processes (Release) to both exiting 0, loopback, {link.Share} shares, {link.Scheme}, "
            + "a fresh key per run (duet.session.key-bits under Paillier); bytes: payload bytes as the party summaries print them (to 0.1 kB, 0.1 MB or 0.01 GB); "
            + "peak_rss_mb: max VmHWM sampled every 100 ms, MiB; cpu_s: user+system at the last sample; "
            + "cpu_phases: the kernels' thread CPU seconds from each party's summary line (tiles by kind; the Paillier evaluator's "
            + "multi-exponentiation with its re-randomisers, the rest of its tiles, and the process CPU of its table build; the BFV evaluator's evaluation tiles whole), "
            + "main = decryption (encryptor), multi-exponentiation (Paillier evaluator) or evaluation (BFV evaluator), outside_main_fraction = 1 - main / cpu_s; "
            + "progress_seen_s: first and last stderr progress line of each phase (printed at most every 2 s)",
            ["seed"] = seed,
        };

    /// <summary>Writes the inputs and the key size, starts A (listens) and B (calls), and waits until both have exited.</summary>
    private static Session RunParties(string duet, string directory, Matrix<long> x, Matrix<long> w, int keyBits, int inputBits, LinkChoice link, bool tls)
    {
        // The key size has no option of its own; a short configuration sets it for whichever party encrypts.
        var config = Path.Combine(directory, "e2e.hocon");
        File.WriteAllText(config, Report.KeyConfig(keyBits, link.KeyForm)
            + (link.TableMemory is null ? string.Empty : $"duet.evaluator.table-memory = {link.TableMemory}\n")
            + $"duet.session.link-mbps = {link.LinkMbps}\n");
        NpyFile.Write(Path.Combine(directory, "x.npy"), x);
        NpyFile.Write(Path.Combine(directory, "w.npy"), w);
        var address = $"127.0.0.1:{FreePort()}";
        // Without a reveal each party streams its share to its file as tiles finish; a reveal holds shares in memory.
        string[] common = ["--config", config, "--scheme", link.Scheme, "--share", link.Share, "--reveal", link.Reveal, "--input-bits", inputBits.ToString(CultureInfo.InvariantCulture)];
        string[] linkA = ["--insecure"], linkB = ["--insecure"];
        if (tls)
        {
            var (certificateA, pinA) = MakeCertificate(duet, directory, "a");
            var (certificateB, pinB) = MakeCertificate(duet, directory, "b");
            (linkA, linkB) = (["--cert", certificateA, "--pin", pinB], ["--cert", certificateB, "--pin", pinA]);
        }

        var load = MachineLoad.Start();
        var clock = Stopwatch.StartNew();
        using var a = PartyProcess.Start("a", Dotnet, [duet, "party", "--side", "left", "--listen", address, "--input", Path.Combine(directory, "x.npy"), "--output", Path.Combine(directory, "share-a.csv"), "--name", "a", .. common, .. linkA], clock);
        using var b = PartyProcess.Start("b", Dotnet, [duet, "party", "--side", "right", "--peer", address, "--input", Path.Combine(directory, "w.npy"), "--output", Path.Combine(directory, "share-b.csv"), "--name", "b", .. common, .. linkB], clock);
        Task<int>[] waits = [a.WaitAsync(), b.WaitAsync()];
        if (Task.WhenAny(waits).GetAwaiter().GetResult().Result != 0)
        {
            // One party failed: the other would only wait for its session timeout.
            a.Kill();
            b.Kill();
        }

        Task.WaitAll(waits);
        var wall = clock.Elapsed.TotalSeconds;
        var others = load.OtherCores();

        var parties = new List<PartyRun>();
        foreach (var (party, side, exit) in new[] { (a, "left", waits[0].Result), (b, "right", waits[1].Result) })
        {
            File.WriteAllLines(Path.Combine(directory, $"{party.Name}.stdout"), party.Output);
            File.WriteAllLines(Path.Combine(directory, $"{party.Name}.stderr"), party.Errors);
            if (exit != 0)
            {
                var tail = string.Join("\n", party.Errors.TakeLast(StderrTail).Select(l => "    " + l));
                throw new BenchmarkFailure($"party {party.Name} exited with {exit}; last lines of its stderr:\n{tail}");
            }

            var summary = party.Output.Select(ParseSummary).LastOrDefault(s => s is not null)
                ?? throw new BenchmarkFailure($"party {party.Name} printed no summary line; stdout:\n{string.Join("\n", party.Output)}");
            parties.Add(new PartyRun(party.Name, side, summary, party.PeakResidentBytes, party.CpuSeconds, party.Phases));
        }

        return new Session(parties[0], parties[1], wall, others);
    }

    /// <summary>`duet certs` for a party, before the clock starts: its file and the fingerprint it printed.</summary>
    internal static (string File, string Fingerprint) MakeCertificate(string duet, string directory, string name)
    {
        var file = Path.Combine(directory, $"{name}.pfx");
        var info = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { duet, "certs", "--name", name, "--out", file, "--force" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new BenchmarkFailure("could not start duet certs");
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        return process.ExitCode == 0 && lines.Length > 0
            ? (file, lines[^1].Trim())
            : throw new BenchmarkFailure($"duet certs for {name} exited with {process.ExitCode}");
    }

    /// <summary>Adds the two share files and compares the sum with the exact X·W (ring64: X·W mod 2^64, read as signed).</summary>
    /// <summary>
    /// Whether share-a.csv + share-b.csv reconstruct X·W in the domain, read a row at a time (a W4 run's product and
    /// shares held whole took gigabytes): each row of the product is computed exactly as it is checked.
    /// </summary>
    internal static bool Verify(string directory, Matrix<long> x, Matrix<long> w, ShareDomain domain)
    {
        using var a = File.OpenText(Path.Combine(directory, "share-a.csv"));
        using var b = File.OpenText(Path.Combine(directory, "share-b.csv"));
        var expected = new BigInteger[w.Columns];
        for (var row = 0; row < x.Rows; row++)
        {
            var (lineA, lineB) = (a.ReadLine(), b.ReadLine());
            if (lineA is null || lineB is null)
            {
                throw new BenchmarkFailure($"{directory}: a share has fewer than {x.Rows} rows");
            }

            ProductRow(x.Row(row), w, expected);
            var (valuesA, valuesB) = (lineA.Split(','), lineB.Split(','));
            if (valuesA.Length != w.Columns || valuesB.Length != w.Columns)
            {
                throw new BenchmarkFailure($"{directory}: row {row} of a share does not have {w.Columns} entries");
            }

            for (var l = 0; l < w.Columns; l++)
            {
                var sum = Shares.Reconstruct(Parse(valuesA[l]), Parse(valuesB[l]), domain);
                if (sum != Shares.Reconstruct(Shares.Reduce(expected[l], domain), BigInteger.Zero, domain))
                {
                    return false;
                }
            }
        }

        return a.ReadLine() is null && b.ReadLine() is null;

        static BigInteger Parse(string value) => BigInteger.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    /// <summary>One row of X·W exactly: in Int128 unless a sum overflows it (entries near 63 bits), then in BigInteger.</summary>
    private static void ProductRow(ReadOnlySpan<long> xRow, Matrix<long> w, BigInteger[] result)
    {
        for (var l = 0; l < w.Columns; l++)
        {
            try
            {
                Int128 sum = 0;
                for (var j = 0; j < xRow.Length; j++)
                {
                    sum = checked(sum + ((Int128)xRow[j] * w[j, l]));
                }

                result[l] = sum;
            }
            catch (OverflowException)
            {
                var sum = BigInteger.Zero;
                for (var j = 0; j < xRow.Length; j++)
                {
                    sum += (BigInteger)xRow[j] * w[j, l];
                }

                result[l] = sum;
            }
        }
    }

    private static void PrintParties(Session session, bool verified)
    {
        Console.WriteLine($"  {"party",-6}{"side",-7}{"role",-11}{"party_s",9}{"cpu_s",9}{"peak_rss_MiB",14}{"sent_B",14}{"received_B",14}");
        foreach (var p in new[] { session.A, session.B })
        {
            Console.WriteLine($"  {p.Name,-6}{p.Side,-7}{(p.Summary.IsEncryptor ? "encryptor" : "evaluator"),-11}{Report.Format(p.Summary.Seconds),9}{Report.Format(p.CpuSeconds),9}"
                + $"{Report.Format(p.PeakResidentBytes / Mebibyte),14}{p.Summary.BytesSent,14:N0}{p.Summary.BytesReceived,14:N0}");
            Console.WriteLine($"        progress seen (s from launch): {string.Join(", ", p.Phases.Select(f => $"{f.Key} {Report.Format(f.Value.First)}–{Report.Format(f.Value.Last)}"))}");
            Console.WriteLine($"        kernel CPU (s): {string.Join(", ", p.Summary.Kernels.Select(k => $"{k.Key} {Report.Format(k.Value)}"))}");
        }

        Console.WriteLine($"  wall {Report.Format(session.WallSeconds)} s (others used {Report.FormatLoad(session.OtherCores)} cores), shares verified: {verified}");
    }

    internal static JsonObject PhasesJson(IReadOnlyDictionary<string, (double First, double Last)> phases) =>
        new(phases.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray(Report.Round(p.Value.First), Report.Round(p.Value.Last)))));

    /// <summary>"b: encryptor, right operand 100x10, product 10000x10 (integer shares), 1.23 s, sent 1.2 MB, received 3.4 MB; share -> ..."</summary>
    internal static PartySummary? ParseSummary(string line)
    {
        var match = SummaryLine().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var kernels = new Dictionary<string, double>();
        foreach (Match part in KernelPart().Matches(KernelSegment().Match(line).Groups["kernels"].Value))
        {
            kernels[part.Groups["name"].Value.Replace(' ', '_').Replace('-', '_')] = Seconds(part.Groups["time"].Value);
        }

        return new PartySummary(match.Groups["role"].Value == "encryptor", Seconds(match.Groups["time"].Value), Bytes(match.Groups["sent"].Value), Bytes(match.Groups["received"].Value), kernels);
    }

    /// <summary>The kernels' CPU of a party with its process CPU: what share of it lies outside the main kernel.</summary>
    private static JsonObject CpuJson(PartyRun party)
    {
        var json = new JsonObject { ["process"] = Report.Round(party.CpuSeconds) };
        foreach (var (name, seconds) in party.Summary.Kernels)
        {
            json[name] = Report.Round(seconds);
        }

        if (party.Summary.Kernels.TryGetValue(party.Summary.MainKernel, out var main) && party.CpuSeconds > 0)
        {
            json["main"] = Report.Round(main);
            json["outside_main_fraction"] = Math.Round(1 - (main / party.CpuSeconds), 3);
        }

        return json;
    }

    /// <summary>Inverse of the host's Units.Duration: "850 ms", "12.3 s", "4 min 05 s".</summary>
    private static double Seconds(string text)
    {
        var parts = text.Split(' ');
        return parts switch
        {
            [var ms, "ms"] => double.Parse(ms, CultureInfo.InvariantCulture) / 1000,
            [var s, "s"] => double.Parse(s, CultureInfo.InvariantCulture),
            [var min, "min", var s, "s"] => (double.Parse(min, CultureInfo.InvariantCulture) * 60) + double.Parse(s, CultureInfo.InvariantCulture),
            _ => throw new BenchmarkFailure($"unreadable duration '{text}' in a party summary"),
        };
    }

    /// <summary>Inverse of the host's Units.Bytes ("123 B", "4.5 kB", "6.7 MB", "1.23 GB"), as precise as it prints.</summary>
    private static long Bytes(string text)
    {
        var parts = text.Split(' ');
        var scale = parts[1] switch { "B" => 1, "kB" => 1e3, "MB" => 1e6, _ => 1e9 };
        return (long)Math.Round(double.Parse(parts[0], CultureInfo.InvariantCulture) * scale);
    }

    /// <summary>Builds `duet` in Release once and returns the path of its dll.</summary>
    /// <summary>
    /// Builds the runtime as the benchmark runs it: <c>r2r</c> (default) a framework-dependent ReadyToRun publish for
    /// this machine's RID (the README's ahead-of-time install: no JIT of the runtime's code at start-up), <c>il</c> a
    /// plain Release build. Returns the path of duet.dll.
    /// </summary>
    internal static string BuildDuet(string repository, string build = "r2r")
    {
        var output = Path.Combine(repository, "src/Host/bin/Release/r2r");
        string[] arguments = build switch
        {
            "r2r" => ["publish", "src/Host", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "-nologo", "-v", "quiet"],
            "il" => ["build", "-c", "Release", "src/Host", "-nologo", "-v", "quiet"],
            _ => throw new BenchmarkFailure($"--build takes r2r or il, not {build}"),
        };
        Console.WriteLine($"e2e: dotnet {string.Join(' ', arguments.Take(arguments.Length - 3))}");
        var info = new ProcessStartInfo(Dotnet, arguments)
        {
            WorkingDirectory = repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new BenchmarkFailure("could not start dotnet");
        var errors = process.StandardError.ReadToEndAsync();
        var printed = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new BenchmarkFailure($"dotnet {arguments[0]} of src/Host failed ({process.ExitCode}):\n{printed}{errors.Result}");
        }

        var dll = build == "r2r" ? Path.Combine(output, "duet.dll") : Path.Combine(repository, DuetDll);
        return File.Exists(dll) ? dll : throw new BenchmarkFailure($"{dll} not found after the build");
    }

    /// <summary>The folder holding Actors.sln, above this program's base directory.</summary>
    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Actors.sln")))
            {
                return folder.FullName;
            }
        }

        throw new BenchmarkFailure($"no Actors.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A loopback port that was free a moment ago (party A binds it right after).</summary>
    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"^\S+: (?<role>encryptor|evaluator), .*, (?<time>\d+ ms|[\d.]+ s|\d+ min \d+ s), (?:.*, )?sent (?<sent>[\d.]+ [kMG]?B), received (?<received>[\d.]+ [kMG]?B);")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"kernel CPU: (?<kernels>[^;]*?), sent ")]
    private static partial Regex KernelSegment();

    [GeneratedRegex(@"(?<name>[a-z -]+?) (?<time>\d+ ms|[\d.]+ s|\d+ min \d+ s)(?:, |$)")]
    private static partial Regex KernelPart();

    /// <summary>The scheme and share domain both parties are given (`--scheme`, `--share`).</summary>
    /// <param name="TableMemory">The evaluator's <c>duet.evaluator.table-memory</c>, or null for the default.</param>
    private sealed record LinkChoice(string Scheme, string Share, string KeyForm, string Reveal, string? TableMemory, int LinkMbps)
    {
        public bool IsBfv => Scheme == "bfv";

        public ShareDomain Domain => Share switch
        {
            "integer" => ShareDomain.Integer,
            "ring64" => ShareDomain.Ring64,
            _ => throw new UsageException($"--share must be integer or ring64; got {Share}."),
        };
    }

    internal sealed record PartySummary(bool IsEncryptor, double Seconds, long BytesSent, long BytesReceived, IReadOnlyDictionary<string, double> Kernels)
    {
        /// <summary>The kernel the party exists for: decryption, or the evaluator's multi-exponentiation (Paillier) or evaluation tiles (BFV, whose summary splits them no further).</summary>
        public string MainKernel => IsEncryptor ? "decryption" : Kernels.ContainsKey("multi_exponentiation") ? "multi_exponentiation" : "evaluation";
    }

    private sealed record PartyRun(string Name, string Side, PartySummary Summary, long PeakResidentBytes, double CpuSeconds, IReadOnlyDictionary<string, (double First, double Last)> Phases);

    private sealed record BaselineRun(double Seconds, double SetupSeconds, IReadOnlyList<BaselineChunk> Chunks, bool Verified);

    private sealed record Session(PartyRun A, PartyRun B, double WallSeconds, double? OtherCores);

    /// <summary>The benchmark could not measure: a build or a party failed, or an output is unreadable. Exit code 1.</summary>
    private sealed class BenchmarkFailure(string message) : Exception(message);
}
