using System.Numerics;
using System.Text.Json.Nodes;
using Duet.Crypto;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Benchmarks;

/// <summary>
/// The two main kernels against the Montgomery-product rate of OpenSSL on the same modulus (issue 12): the
/// evaluator's W1 tile (10000×100 · 100×10, its real tables) mod n², and the key owner's decryption mod p² and q².
/// Each kernel's products are counted from its parameters; efficiency = counted products at OpenSSL's measured rate
/// (the same <c>BN_mod_mul_montgomery</c>, product and square apart) ÷ the kernel's measured time.
/// </summary>
internal sealed class KernelEfficiency : IDisposable
{
    private const int W1Rows = 10000;
    private const int W1Inner = 100;
    private const int W1Columns = 10;
    private const int InputBits = 32;
    private const int Pool = 64;

    private readonly PaillierPrivateKey key;
    private readonly EvaluationBases bases;
    private readonly Matrix<long> x;
    private readonly PaillierEvaluator evaluator;
    private readonly Residue[] owned;

    public KernelEfficiency(PaillierPrivateKey key)
    {
        this.key = key;
        var publicKey = key.Context;
        var plan = PackingPlan.Create(W1Rows, W1Inner, W1Columns, InputBits, InputBits, publicKey.Key.Bits);
        var encryptor = new PaillierEncryptor(key);
        var operands = new Residue[plan.EncryptedCount];
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = publicKey.Arithmetic.NewResidue();
            encryptor.Encrypt(Randomness.Bits(InputBits), operands[i]);
        }

        bases = EvaluationBases.Build(plan, publicKey, operands, EvaluationBases.DefaultMemoryBudget, Environment.ProcessorCount);
        x = new Matrix<long>(plan.Rows, plan.Inner);
        for (var r = 0; r < plan.Rows; r++)
        {
            for (var c = 0; c < plan.Inner; c++)
            {
                x[r, c] = (long)Randomness.UInt64(InputBits - 1) * (Randomness.UInt64(1) == 0 ? 1 : -1);
            }
        }

        evaluator = new PaillierEvaluator(publicKey);
        var half = key.PHalf.Context;
        owned = new Residue[4 * Pool];
        for (var i = 0; i < owned.Length; i++)
        {
            var context = i < 2 * Pool ? publicKey.Arithmetic : half;
            owned[i] = context.NewResidue();
            context.Load(Randomness.Below(context.Modulus), owned[i]);
        }
    }

    /// <summary>The products one evaluation tile of W1 makes, by <see cref="PaillierEvaluateKernel"/>'s own count, per result:
    /// with fixed-base tables, one per term and window, one per window of the re-randomiser, 3 for the batch inversion,
    /// 1 to combine the accumulators and 1 for the mask (the tile's one inversion is not counted: its time counts against
    /// the kernel); with combs, one per bit plane and run of both combs, P − 1 squarings (counted as products), 1 for the
    /// correction and 1 for the mask.</summary>
    public long TileProducts
    {
        get
        {
            var plan = bases.Plan;
            var (_, count) = plan.TileResults(0);
            return count * bases.Strategy switch
            {
                MultiExpStrategy.FixedBaseTables =>
                    (plan.TermsPerResult * (long)FixedBaseTable.WindowCount(plan.XBits, bases.Window, signedDigits: true)) + bases.Rerandomiser!.Windows + 5,
                MultiExpStrategy.SubsetComb =>
                    ((long)bases.Planes * (SubsetComb.RunCount(plan.TermsPerResult, bases.Window) + bases.RerandomiserComb!.Runs)) + bases.Planes + 1,
                _ => throw new InvalidOperationException("W1 is expected to use tables or combs"),
            };
        }
    }

    /// <summary>Squarings and products of one CRT half of a decryption in OpenSSL's constant-time exponentiation
    /// (window 5 on x86-64: one squaring per exponent bit, one product per window and 32 to fill the table).</summary>
    public (long Squares, long Products) HalfProducts
    {
        get
        {
            var bits = (long)key.PHalf.Exponent.GetBitLength();
            return (bits, ((bits + 4) / 5) + 32);
        }
    }

    public IEnumerable<(string Name, Action<int> Operation)> Operations
    {
        get
        {
            var n2 = key.Context.Arithmetic;
            var p2 = key.PHalf.Context;
            var plan = bases.Plan;
            var width = key.PublicKey.CiphertextBytes;
            var output = new byte[PackingPlan.ResultsPerTile * width];
            var share = new Matrix<BigInteger>(plan.Rows, plan.Columns);
            yield return ("openssl_mont_mul_n2", i => n2.Multiply(owned[i % Pool], owned[Pool + (i % Pool)], owned[(i + 1) % Pool]));
            yield return ("openssl_mont_mul_p2", i => p2.Multiply(owned[(2 * Pool) + (i % Pool)], owned[(3 * Pool) + (i % Pool)], owned[(2 * Pool) + ((i + 1) % Pool)]));
            yield return ("openssl_mont_sqr_p2", i => p2.Square(owned[(2 * Pool) + (i % Pool)], owned[(2 * Pool) + ((i + 1) % Pool)]));
            yield return ("evaluate_tile_w1", i =>
            {
                var tile = i % plan.Tiles;
                var (_, count) = plan.TileResults(tile);
                PaillierEvaluateKernel.EvaluateTile(bases, evaluator, x, tile, output.AsSpan(0, count * width), share);
            }
            );
        }
    }

    private string Strategy => bases.Strategy == MultiExpStrategy.SubsetComb
        ? $"{bases.Strategy} w = {bases.Window}, re-randomiser comb w = {bases.RerandomiserComb!.RunBits} over {bases.RerandomiserComb.Count} pieces"
        : $"{bases.Strategy} w = {bases.Window}, re-randomiser signed w = {bases.Rerandomiser!.WindowBits}";

    /// <summary>Efficiencies from the measured rates (operations per second).</summary>
    public JsonObject Report(IReadOnlyDictionary<string, double> rates)
    {
        var tileProducts = TileProducts;
        var multiExp = tileProducts * rates["evaluate_tile_w1"] / rates["openssl_mont_mul_n2"];
        var (squares, products) = HalfProducts;
        var decryptSeconds = 2 * ((squares / rates["openssl_mont_sqr_p2"]) + (products / rates["openssl_mont_mul_p2"]));
        var decrypt = decryptSeconds * rates["decrypt"];
        Console.WriteLine($"kernel efficiency: evaluator W1 tile {Duet.Benchmarks.Report.Format(multiExp * 100)} % of OpenSSL's product rate mod n² ({tileProducts} products per tile, {Strategy}); "
            + $"decryption {Duet.Benchmarks.Report.Format(decrypt * 100)} % of OpenSSL's square and product rates mod p² (2 × ({squares} squares + {products} products))");
        return new JsonObject
        {
            ["evaluate_tile_w1_products"] = tileProducts,
            ["evaluate_tile_w1_strategy"] = Strategy,
            ["multi_exponentiation_efficiency"] = Math.Round(multiExp, 3),
            ["decrypt_half_squares"] = squares,
            ["decrypt_half_products"] = products,
            ["decryption_efficiency"] = Math.Round(decrypt, 3),
            ["target"] = ">= 0.85 each",
            ["method"] = "efficiency = counted products × (1 / OpenSSL's rate on the same modulus, squares and products apart) ÷ the kernel's time per call; "
                + "OpenSSL's rate is BN_mod_mul_montgomery called through the same binding; a tile is 8 results of W1 with the session's real tables",
        };
    }

    public void Dispose()
    {
        bases.Dispose();
        foreach (var r in owned)
        {
            r.Dispose();
        }
    }
}
