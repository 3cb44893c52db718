using System.Diagnostics;
using System.Numerics;
using System.Text.Json.Nodes;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Reference;

namespace Duet.Benchmarks;

/// <summary>
/// `lattice`: the BFV path in process (<see cref="BfvReferenceProtocol.Run"/>) on random integer matrices, one
/// thread and all cores, checked exactly against the plaintext product, with bytes each way, parameters and noise
/// budgets, against the anchor measured first in the same run: the same product with SEAL BFV via node-seal on one
/// thread (<see cref="SealAnchor"/>), unless `--anchor no`.
/// </summary>
internal static class LatticeCommand
{
    public static readonly string[] ValueOptions = ["rows", "inner", "cols", "input-bits", "domain", "repeat", "seed", "json", "blocks", "anchor"];

    public static int Run(CommandOptions options)
    {
        var rows = options.Int("rows", 10_000, 1);
        var inner = options.Int("inner", 100, 1);
        var columns = options.Int("cols", 10, 1);
        var inputBits = options.Int("input-bits", 32, 1);
        var domain = options.String("domain") switch
        {
            null or "integer" => ShareDomain.Integer,
            "ring64" => ShareDomain.Ring64,
            var other => throw new UsageException($"--domain must be integer or ring64, got '{other}'."),
        };
        var repeat = options.Int("repeat", 2, 1);
        Func<int, int, int, int, int, CoefficientPlan>? blocks = null;
        if (options.String("blocks") is { } text)
        {
            // --blocks N:MxKxW measures a plan other than the chooser's (the same checks apply).
            var parts = text.Split(':', 'x');
            var b = parts.Length == 4 && parts.All(p => int.TryParse(p, out _)) ? Array.ConvertAll(parts, int.Parse) : throw new UsageException($"--blocks must be N:MxKxW (e.g. 8192:204x4x10), got '{text}'.");
            blocks = (m, k, n, xb, yb) => CoefficientPlan.WithBlocks(m, k, n, xb, yb, 40, domain, b[0], b[1], b[2], b[3]);
        }

        var seed = options.Int("seed", 1);
        var runAnchor = options.String("anchor") switch
        {
            null or "yes" => true,
            "no" => false,
            var other => throw new UsageException($"--anchor must be yes or no, got '{other}'."),
        };
        var cores = Environment.ProcessorCount;
        var parameters = new ProtocolParameters(inputBits, inputBits, Domain: domain);
        var random = new Random(seed);
        var x = KernelCommand.RandomMatrix(random, rows, inner, inputBits);
        var y = KernelCommand.RandomMatrix(random, inner, columns, inputBits);
        Console.WriteLine($"lattice: X {rows}x{inner} · Y {inner}x{columns}, |entries| < 2^{inputBits}, {domain} shares, {cores} cores");

        // The anchor runs first and alone, so it shares no time with Duet's runs.
        var (anchor, anchorProblem) = runAnchor ? SealAnchor.Measure(rows, inner, columns, inputBits, seed) : (null, "--anchor no");
        if (anchor is { } a)
        {
            var r = a.Report;
            Console.WriteLine(
                $"  anchor (SEAL BFV via node-seal {r["node_seal"]}, node {r["node"]}, one thread, exact over Z): {Report.Format(a.Seconds)} s " +
                $"({Report.Format(a.CpuSeconds)} cpu-s; keys {r["keys_s"]}, encrypt {r["encrypt_s"]}, evaluate {r["evaluate_s"]}, decrypt {r["decrypt_s"]}; whole node process {Report.Format(a.ProcessCpuSeconds)} cpu-s), " +
                $"N={r["n"]}, blocks {r["blocks"]}, t = {string.Join(" · ", r["plain_moduli"]!.AsArray())}, bytes to evaluator {a.BytesToEvaluator:N0}, " +
                $"to encryptor {a.BytesToEncryptor:N0} (save: {r["compression"]}), verified: {a.Verified}, others used {Report.FormatLoad(a.OtherCores)} cores");
        }
        else
        {
            Console.WriteLine($"  anchor skipped: {anchorProblem}");
        }

        // A recorded constant is not a measurement: without a verified anchor of this run there is no ratio.
        var anchorSeconds = anchor is { Verified: true } ? anchor.Seconds : (double?)null;
        var anchorCpu = anchor is { Verified: true } ? anchor.CpuSeconds : null;

        // Warm-up on a few rows of the same shape family (JIT; the plan differs, the code paths do not).
        BfvReferenceProtocol.Run(new Matrix<long>(Math.Min(rows, 8), inner, x.Data[..(Math.Min(rows, 8) * inner)]), y, parameters);
        var expected = Shares.Product(x, y);
        var expectedInDomain = Shares.Reconstruct(Shares.Reduce(expected, domain), expected.Map(_ => BigInteger.Zero), domain);

        var runs = new JsonArray();
        var verified = true;
        BfvProtocolResult? last = null;
        foreach (var threads in new[] { 1, cores }.Distinct())
        {
            for (var r = 0; r < repeat; r++)
            {
                var load = MachineLoad.Start();
                var clock = Stopwatch.StartNew();
                var result = BfvReferenceProtocol.Run(x, y, parameters, parallelism: threads, blocks: blocks);
                var seconds = clock.Elapsed.TotalSeconds;
                var (others, cpu) = (load.OtherCores(), load.OwnCpuSeconds());
                var ok = Shares.Reconstruct(result.LeftShare, result.RightShare, domain).Data.SequenceEqual(expectedInDomain.Data);
                verified &= ok;
                last = result;
                var t = result.Timings;
                Console.WriteLine(
                    $"  {threads} thread(s): {Report.Format(seconds)} s ({Report.Format(cpu)} cpu-s; keys {Report.Format(t.Keys)}, encrypt {Report.Format(t.Encrypt)}, " +
                    $"receive {Report.Format(t.Receive)}, evaluate {Report.Format(t.Evaluate)}, decrypt {Report.Format(t.Decrypt)}), verified: {ok}, others used {Report.FormatLoad(others)} cores");
                runs.Add(new JsonObject
                {
                    ["threads"] = threads,
                    ["seconds"] = Report.Round(seconds),
                    ["cpu_s"] = cpu is { } c ? Report.Round(c) : null,
                    ["keys_s"] = Report.Round(t.Keys),
                    ["encrypt_s"] = Report.Round(t.Encrypt),
                    ["receive_s"] = Report.Round(t.Receive),
                    ["evaluate_s"] = Report.Round(t.Evaluate),
                    ["decrypt_s"] = Report.Round(t.Decrypt),
                    ["verified"] = ok,
                    ["other_load_cores"] = Report.RoundLoad(others),
                });
            }
        }

        var plan = last!.Plan;
        var bfv = last.Parameters;
        var budget = plan.WorstCaseNoiseBudget(bfv);
        var measured = MeasuredBudgets(x, y, plan, bfv);
        var single = runs.Where(n => (int)n!["threads"]! == 1).ToList();
        var singleBest = single.Min(n => (double)n!["seconds"]!);
        var singleCpu = single.All(n => n!["cpu_s"] is not null) ? single.Min(n => (double)n!["cpu_s"]!) : (double?)null;
        Console.WriteLine($"  {plan}");
        Console.WriteLine($"  {bfv}; bytes to evaluator {last.BytesToEvaluator:N0}, to encryptor {last.BytesToEncryptor:N0}");
        Console.WriteLine($"  noise budget: fresh {Report.Format(measured.Fresh)} bits, reply worst case {Report.Format(budget)} bits, reply measured {Report.Format(measured.Reply)} bits");
        var speedup = anchorSeconds / singleBest;
        var speedupCpu = anchorCpu / singleCpu;
        Console.WriteLine(anchorSeconds is { } anchorBest
            ? $"  single thread best {Report.Format(singleBest)} s wall, {Report.Format(singleCpu)} cpu-s, vs the anchor's {Report.Format(anchorBest)} s, " +
              $"{Report.Format(anchorCpu)} cpu-s (this run, one thread): {Report.Format(speedup)}x wall, {Report.Format(speedupCpu)}x cpu; verified: {verified}"
            : $"  single thread best {Report.Format(singleBest)} s wall, {Report.Format(singleCpu)} cpu-s, no anchor ratio " +
              $"({anchorProblem ?? "the anchor's product was not exact"}); verified: {verified}");

        var json = new JsonObject
        {
            ["rows"] = rows,
            ["inner"] = inner,
            ["cols"] = columns,
            ["input_bits"] = inputBits,
            ["domain"] = domain.ToString(),
            ["cores"] = cores,
            ["verified"] = verified,
            ["runs"] = runs,
            ["plan"] = plan.ToString(),
            ["degree"] = bfv.Degree,
            ["blocks"] = $"{plan.BlockRows}x{plan.BlockInner}x{plan.BlockColumns}",
            ["plain_bits"] = plan.PlainBits,
            ["prime_bits"] = new JsonArray([.. bfv.Primes.Select(p => (JsonNode?)p.Bits)]),
            ["reply_primes"] = bfv.ReplyPrimes,
            ["flood_bits"] = plan.FloodBits,
            ["ciphertexts_out"] = plan.EncryptedCount,
            ["replies"] = plan.ResultCount,
            ["bytes_to_evaluator"] = last.BytesToEvaluator,
            ["bytes_to_encryptor"] = last.BytesToEncryptor,
            ["noise_budget_fresh_bits"] = Report.Round(measured.Fresh),
            ["noise_budget_reply_worst_case_bits"] = Report.Round(budget),
            ["noise_budget_reply_measured_bits"] = Report.Round(measured.Reply),
            ["anchor_measured"] = anchor is not null,
            ["anchor_skipped"] = anchorProblem,
            ["anchor_single_thread_s"] = anchorSeconds,
            ["anchor_verified"] = anchor?.Verified,
            ["anchor_bytes_to_evaluator"] = anchor?.BytesToEvaluator,
            ["anchor_bytes_to_encryptor"] = anchor?.BytesToEncryptor,
            ["anchor_single_thread_cpu_s"] = anchorCpu is { } anchorCpuSeconds ? Report.Round(anchorCpuSeconds) : null,
            ["anchor_process_cpu_s"] = anchor?.ProcessCpuSeconds is { } process ? Report.Round(process) : null,
            ["anchor_other_load_cores"] = Report.RoundLoad(anchor?.OtherCores),
            ["anchor_run"] = anchor?.Report,
            ["speedup_vs_anchor_single_thread"] = speedup is { } s ? Report.Round(s) : null,
            ["single_thread_best_cpu_s"] = singleCpu is { } best ? Report.Round(best) : null,
            ["speedup_vs_anchor_single_thread_cpu"] = speedupCpu is { } sc ? Report.Round(sc) : null,
            ["seed"] = seed,
        };
        Report.WriteJson(options.String("json"), json);
        return verified ? 0 : 1;
    }

    /// <summary>Noise budgets measured by the key owner on one fresh ciphertext and one reply of this plan.</summary>
    private static (double Fresh, double Reply) MeasuredBudgets(Matrix<long> x, Matrix<long> y, CoefficientPlan plan, BfvParameters bfv)
    {
        var keys = new BfvKeyGenerator(bfv);
        var encryptor = new BfvEncryptor(keys.SecretKey);
        var decryptor = new BfvDecryptor(keys.SecretKey);
        var evaluator = new BfvEvaluator(keys.CreatePublicKey());
        var operands = new BfvOperand[plan.EncryptedCount];
        var ciphertext = new byte[bfv.SeededCiphertextBytes];
        var fresh = double.MaxValue;
        for (var i = 0; i < operands.Length; i++)
        {
            BfvEncryptKernel.EncryptBlock(plan, y, encryptor, i, 1, ciphertext);
            operands[i] = BfvOperand.Read(bfv, ciphertext);
            fresh = Math.Min(fresh, decryptor.FreshNoiseBudget(ciphertext));
        }

        var (_, count) = plan.TileResults(0);
        var width = BfvDecryptKernel.ReplyBytes(plan, bfv);
        var replies = new byte[count * width];
        BfvEvaluateKernel.EvaluateTile(plan, evaluator, operands, x, 0, replies, new Matrix<BigInteger>(plan.Rows, plan.Columns));
        var positions = plan.Positions();
        var reply = double.MaxValue;
        for (var r = 0; r < count; r++)
        {
            reply = Math.Min(reply, decryptor.ReplyNoiseBudget(replies.AsSpan(r * width, width), positions));
        }

        return (fresh, reply);
    }
}
