using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Duet.Crypto;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Benchmarks;

/// <summary>
/// `primitives`: single-threaded throughput of every Paillier operation, against textbook encryption (r^n) and
/// OpenSSL's RSA-4096 signature on the same machine, reported as ratios.
/// </summary>
internal static class PrimitivesCommand
{
    public static readonly string[] ValueOptions = ["key-bits", "seconds", "json", BackendChoice.Option];

    // Inputs are drawn before timing and cycled, so the loops time the operation and not the draw.
    private const int Pool = 64;

    private static readonly (string Name, string Ratio, double Target, bool AtMost)[] Targets =
    [
        ("encrypt_owner_over_textbook", "encrypt_owner / textbook_encrypt", 20, false),
        ("encrypt_public_over_textbook", "encrypt_public / textbook_encrypt", 10, false),
        ("decrypt_over_rsa4096_sign", "decrypt / rsa4096_sign", 2.0, false),
        ("scalar_mul_64_over_rsa4096_sign", "scalar_mul_64 / rsa4096_sign", 12, false),
        ("native_over_managed_scalar_mul_64", "native / managed scalar_mul_64", 4, true),
    ];

    public static int Run(CommandOptions options)
    {
        var backend = BackendChoice.Apply(options);
        var keyBits = Report.KeyBits(options);
        var seconds = options.Double("seconds", 2, 0.05);
        var jsonPath = options.String("json");

        Console.WriteLine($"primitives: {keyBits}-bit key, {backend} backend, {seconds.ToString(CultureInfo.InvariantCulture)} s per operation, one thread");
        using var key = PaillierKeyGenerator.Generate(keyBits);
        var publicKey = key.Context;
        var context = publicKey.Arithmetic;
        var publicEncryptor = new PaillierEncryptor(publicKey);
        var ownerEncryptor = new PaillierEncryptor(key);
        var decryptor = new PaillierDecryptor(key);
        var evaluator = new PaillierEvaluator(publicKey);

        // The experimental fast key form of the same size, where it is defined (2048 and 3072 bits).
        using var fast = FastKeyForm.SupportedBits.Contains(keyBits) ? PaillierKeyGenerator.Generate(keyBits, form: KeyForm.Fast) : null;

        var plaintexts = new BigInteger[Pool];
        var scalars32 = new long[Pool];
        var scalars64 = new BigInteger[Pool];
        var ciphertexts = new Residue[Pool];
        for (var i = 0; i < Pool; i++)
        {
            plaintexts[i] = Randomness.Below(publicKey.Key.N) - (publicKey.Key.N >> 1);
            scalars32[i] = (long)(Randomness.UInt64(31) | (1UL << 31));
            scalars64[i] = Randomness.UInt64(63) | (1UL << 63);
            ciphertexts[i] = context.NewResidue();
            ownerEncryptor.Encrypt(plaintexts[i], ciphertexts[i]);
        }

        // The re-randomiser as it was before docs/protocol.md §5.4 asked for |n| + σ bits: α of |n|/2 bits, window 8.
        using var halfTable = new FixedBaseTable(context, publicKey.HsResidue, publicKey.Key.RandomiserBits, 8);
        using var destination = context.NewResidue();
        using var randomiser = context.NewResidue();
        using var message = context.NewResidue();
        var operations = new List<(string Name, Action<int> Operation)>
        {
            ("encrypt_public", i => publicEncryptor.Encrypt(plaintexts[i % Pool], destination)),
            ("encrypt_owner", i => ownerEncryptor.Encrypt(plaintexts[i % Pool], destination)),
            ("decrypt", i => decryptor.Decrypt(ciphertexts[i % Pool])),
            ("add", i => evaluator.Add(ciphertexts[i % Pool], ciphertexts[(i + 1) % Pool], destination)),
            ("scalar_mul_32", i => evaluator.Multiply(ciphertexts[i % Pool], scalars32[i % Pool], destination)),
            ("scalar_mul_64", i => evaluator.Multiply(ciphertexts[i % Pool], scalars64[i % Pool], destination)),
            ("rerandomize", i => evaluator.Rerandomize(ciphertexts[i % Pool], destination)),
            ("rerandomize_half_exponent", i =>
            {
                halfTable.Pow(Randomness.Bits(publicKey.Key.RandomiserBits), randomiser);
                context.Multiply(ciphertexts[i % Pool], randomiser, destination);
            }),
            ("textbook_encrypt", i => TextbookEncrypt(publicKey, plaintexts[i % Pool], randomiser, message, destination)),
        };
        var fastCiphertexts = fast is null ? [] : FastOperations(fast, plaintexts, operations);

        // Evaluator.Multiply by a positive scalar is Context.Pow: time it on both backends over the same modulus.
        using var powers = new BackendPowers(publicKey.Key.NSquared, context, ciphertexts, scalars64);
        operations.AddRange(powers.Operations);

        // The evaluator's W1 tile and the decryption against OpenSSL's own product rate on the same moduli.
        using var efficiency = new KernelEfficiency(key);
        operations.AddRange(efficiency.Operations);

        // openssl runs once per round, between ours, so that both meet the same spells of outside load.
        var load = MachineLoad.Start();
        var rsaRuns = new List<double?>();
        string? rsaProblem = null;
        Console.WriteLine($"  timing {operations.Count} operations and openssl speed rsa4096 in {Throughput.Rounds} interleaved rounds");
        var rates = Throughput.Measure(operations, seconds, _ =>
        {
            if (rsaProblem is null)
            {
                var (signs, problem) = OpenSslSpeed.Rsa4096Sign(seconds / Throughput.Rounds);
                rsaRuns.Add(signs);
                rsaProblem = problem;
            }
        });
        var otherCores = load.OtherCores();
        foreach (var c in ciphertexts.Concat(fastCiphertexts))
        {
            c.Dispose();
        }

        var rsaMeasured = rsaRuns.OfType<double>().ToList();
        double? rsaSign = rsaMeasured.Count == 0 ? null : rsaMeasured.Max();
        var opsPerSecond = rates.Where(r => !BackendPowers.IsBackendEntry(r.Key)).ToDictionary(r => r.Key, r => r.Value.Best, StringComparer.Ordinal);
        var medians = rates.Where(r => !BackendPowers.IsBackendEntry(r.Key)).ToDictionary(r => r.Key, r => r.Value.Median, StringComparer.Ordinal);
        var scalarMul64ByBackend = rates.Where(r => BackendPowers.IsBackendEntry(r.Key))
            .ToDictionary(r => BackendPowers.BackendOf(r.Key), r => r.Value.Best, StringComparer.Ordinal);

        var ratios = Ratios(opsPerSecond, scalarMul64ByBackend, rsaSign);
        PrintTable(opsPerSecond, medians, scalarMul64ByBackend, rsaSign, rsaProblem, ratios);
        Console.WriteLine(otherCores is { } others
            ? $"other processes used {Report.Format(others)} cores on average during the measurement"
            : "the load of other processes is unknown (no /proc/stat)");

        var json = new JsonObject
        {
            ["backend"] = backend,
            ["key_bits"] = keyBits,
            ["seconds_per_op"] = seconds,
            ["threads"] = 1,
            ["cores"] = Environment.ProcessorCount,
            ["method"] = $"best of {Throughput.Rounds} interleaved rounds of seconds/{Throughput.Rounds} each; openssl speed -seconds 1 once per round, best run",
            ["ops_per_s"] = ToJson(opsPerSecond),
            ["ops_per_s_median"] = ToJson(medians),
            ["scalar_mul_64_by_backend"] = ToJson(scalarMul64ByBackend),
            ["rsa4096_sign_per_s"] = rsaSign is { } r ? Report.Round(r) : null,
            ["rsa4096_sign_per_s_runs"] = new JsonArray([.. rsaMeasured.Select(r => (JsonNode?)Report.Round(r))]),
            ["ratios"] = ToJson(ratios),
            ["targets"] = TargetsJson(ratios),
            ["other_load_cores"] = otherCores is { } o ? Report.Round(o, 2) : null,
            ["kernel_efficiency"] = efficiency.Report(opsPerSecond),
        };
        if (rsaProblem is not null)
        {
            json["rsa4096_problem"] = rsaProblem;
        }

        Report.WriteJson(jsonPath, json);
        return 0;
    }

    /// <summary>The owner's encryption, decryption and the evaluator's re-randomisation with a fast key, as
    /// <c>…_fast</c> operations; returns the ciphertexts they read, for disposal.</summary>
    private static Residue[] FastOperations(PaillierPrivateKey fast, BigInteger[] plaintexts, List<(string Name, Action<int> Operation)> operations)
    {
        var context = fast.Context.Arithmetic;

        // The fast key's n may be a little smaller than the standard key's: its plaintexts are reduced into its range.
        plaintexts = [.. plaintexts.Select(p => BigInteger.Remainder(p, fast.PublicKey.N >> 1))];
        var owner = new PaillierEncryptor(fast);
        var decryptor = new PaillierDecryptor(fast);
        var evaluator = new PaillierEvaluator(fast.Context);
        var ciphertexts = new Residue[Pool];
        for (var i = 0; i < Pool; i++)
        {
            ciphertexts[i] = context.NewResidue();
            owner.Encrypt(plaintexts[i], ciphertexts[i]);
        }

        var destination = context.NewResidue();
        operations.Add(("encrypt_owner_fast", i => owner.Encrypt(plaintexts[i % Pool], destination)));
        operations.Add(("decrypt_fast", i => decryptor.Decrypt(ciphertexts[i % Pool])));
        operations.Add(("rerandomize_fast", i => evaluator.Rerandomize(ciphertexts[i % Pool], destination)));
        return [.. ciphertexts, destination];
    }

    /// <summary>(1 + m·n)·r^n mod n² with a fresh uniform r ∈ Z*_n and a full-size exponent n, on the key's backend.</summary>
    private static void TextbookEncrypt(PaillierContext paillier, BigInteger plaintext, Residue randomiser, Residue message, Residue destination)
    {
        var key = paillier.Key;
        BigInteger r;
        do
        {
            r = Randomness.Below(key.N);
        }
        while (r.IsZero || !BigInteger.GreatestCommonDivisor(r, key.N).IsOne);

        var context = paillier.Arithmetic;
        context.Load(r, randomiser);
        context.Pow(randomiser, key.N, randomiser);
        context.Load((key.ToPlaintextSpace(plaintext) * key.N) + 1, message);
        context.Multiply(message, randomiser, destination);
    }

    private static Dictionary<string, double> Ratios(Dictionary<string, double> ops, Dictionary<string, double> byBackend, double? rsaSign)
    {
        var ratios = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["encrypt_owner_over_textbook"] = ops["encrypt_owner"] / ops["textbook_encrypt"],
            ["encrypt_public_over_textbook"] = ops["encrypt_public"] / ops["textbook_encrypt"],
        };
        if (rsaSign is { } sign)
        {
            ratios["decrypt_over_rsa4096_sign"] = ops["decrypt"] / sign;
            ratios["scalar_mul_64_over_rsa4096_sign"] = ops["scalar_mul_64"] / sign;
        }

        foreach (var operation in new[] { "encrypt_owner", "decrypt", "rerandomize" })
        {
            if (ops.TryGetValue(operation + "_fast", out var fastRate))
            {
                ratios[operation + "_fast_over_standard"] = fastRate / ops[operation];
            }
        }

        if (byBackend.TryGetValue(Backends.Native, out var native) && byBackend.TryGetValue(Backends.Managed, out var managed))
        {
            ratios["native_over_managed_scalar_mul_64"] = native / managed;
        }

        return ratios;
    }

    private static JsonObject TargetsJson(Dictionary<string, double> ratios)
    {
        var targets = new JsonObject();
        foreach (var (name, _, target, atMost) in Targets)
        {
            if (ratios.TryGetValue(name, out var ratio))
            {
                targets[name] = new JsonObject
                {
                    ["ratio"] = Report.Round(ratio),
                    ["target"] = (atMost ? "<= " : ">= ") + target.ToString(CultureInfo.InvariantCulture),
                    ["met"] = atMost ? ratio <= target : ratio >= target,
                };
            }
        }

        return targets;
    }

    private static JsonObject ToJson(Dictionary<string, double> values)
    {
        var json = new JsonObject();
        foreach (var (name, value) in values)
        {
            json[name] = Report.Round(value);
        }

        return json;
    }

    private static void PrintTable(Dictionary<string, double> ops, Dictionary<string, double> medians, Dictionary<string, double> byBackend, double? rsaSign, string? rsaProblem, Dictionary<string, double> ratios)
    {
        Console.WriteLine();
        Console.WriteLine($"{"operation",-28} {"ops/s",12} {"µs/op",12} {"median ops/s",14}");
        foreach (var (name, rate) in ops)
        {
            Console.WriteLine($"{name,-28} {Report.Format(rate),12} {Report.Format(1e6 / rate),12} {Report.Format(medians[name]),14}");
        }

        foreach (var (name, rate) in byBackend)
        {
            Console.WriteLine($"{"scalar_mul_64 (" + name + ")",-28} {Report.Format(rate),12} {Report.Format(1e6 / rate),12}");
        }

        Console.WriteLine(rsaSign is { } sign
            ? $"{"openssl rsa4096 sign",-28} {Report.Format(sign),12} {Report.Format(1e6 / sign),12}"
            : $"openssl rsa4096 sign: not measured ({rsaProblem})");

        Console.WriteLine();
        Console.WriteLine($"{"ratio",-34} {"measured",10} {"target",8}  verdict");
        foreach (var (name, label, target, atMost) in Targets)
        {
            if (ratios.TryGetValue(name, out var ratio))
            {
                var met = atMost ? ratio <= target : ratio >= target;
                var bound = (atMost ? "≤ " : "≥ ") + target.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine($"{label,-34} {Report.Format(ratio),10} {bound,8}  {(met ? "met" : "NOT met")}");
            }
            else
            {
                Console.WriteLine($"{label,-34} {"n/a",10}");
            }
        }

        Console.WriteLine();
    }
}
