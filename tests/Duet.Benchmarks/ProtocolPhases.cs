using System.Diagnostics;
using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Reference;

namespace Duet.Benchmarks;

/// <summary>
/// The steps of <see cref="PaillierReferenceProtocol.Run"/> in the canonical form, each timed on its own: where the optimised
/// protocol's time goes. Same kernels and parallelism as the reference; only the stopwatch is added.
/// </summary>
internal static class ProtocolPhases
{
    public static (List<(string Phase, double Seconds)> Phases, bool Verified) Run(
        Matrix<long> x, Matrix<long> y, int xBits, int yBits, PaillierPrivateKey key, int parallelism)
    {
        var publicKey = key.Context;
        var plan = PackingPlan.Create(x.Rows, x.Columns, y.Columns, xBits, yBits, publicKey.Key.Bits);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
        var width = publicKey.Key.CiphertextBytes;
        var phases = new List<(string, double)>();
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            phases.Add((phase, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        var encrypted = new byte[plan.EncryptedCount * width];
        var encryptor = new PaillierEncryptor(key);
        Parallel.For(0, plan.EncryptBlocks, options, block =>
        {
            var (first, count) = plan.EncryptBlock(block);
            PaillierEncryptKernel.EncryptBlock(plan, y, encryptor, first, count, encrypted.AsSpan(first * width, count * width));
        });
        Lap($"encrypt ({plan.EncryptedCount} ciphertexts)");

        var operands = new Residue[plan.EncryptedCount];
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = publicKey.Arithmetic.NewResidue();
        }

        publicKey.ReadCiphertexts(encrypted, operands);
        Lap("validate received ciphertexts");

        var results = new byte[plan.ResultCount * width];
        var evaluatorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var evaluator = new PaillierEvaluator(publicKey);
        using (var bases = EvaluationBases.Build(plan, publicKey, operands, EvaluationBases.DefaultMemoryBudget, parallelism))
        {
            Lap($"build bases ({bases.Strategy}, window {bases.Window})");
            Parallel.For(0, plan.Tiles, options, tile =>
            {
                var (first, count) = plan.TileResults(tile);
                PaillierEvaluateKernel.EvaluateTile(bases, evaluator, x, tile, results.AsSpan(first * width, count * width), evaluatorShare);
            });
            Lap($"evaluate: multi-exp + mask + rerandomize ({plan.ResultCount} results)");
        }

        var encryptorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var decryptor = new PaillierDecryptor(key);
        Parallel.For(0, plan.Tiles, options, tile =>
        {
            var (first, count) = plan.TileResults(tile);
            PaillierDecryptKernel.DecryptBlock(plan, decryptor, results.AsSpan(first * width, count * width), first, count, encryptorShare);
        });
        Lap($"decrypt ({plan.ResultCount} results)");

        // The masks alone, on copies of the results: the part of "evaluate" that is not multi-exponentiation (the
        // re-randomiser is one of its terms).
        var scratchShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        Parallel.For(0, plan.ResultCount, options, () => publicKey.Arithmetic.NewResidue(), (index, _, product) =>
        {
            publicKey.Arithmetic.Load(results.AsSpan(index * width, width), product);
            PaillierEvaluateKernel.Mask(plan, evaluator, product, index / plan.ColumnGroups, index % plan.ColumnGroups, scratchShare);
            return product;
        }, product => product.Dispose());
        Lap("  of which masks (timed apart)");

        var verified = Shares.Reconstruct(evaluatorShare, encryptorShare, ShareDomain.Integer).Data
            .SequenceEqual(Shares.Product(x, y).Data);
        return (phases, verified);
    }
}
