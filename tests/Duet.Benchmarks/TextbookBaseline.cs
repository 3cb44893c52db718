using System.Diagnostics;
using System.Numerics;
using Duet.Crypto;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;

namespace Duet.Benchmarks;

/// <summary>
/// The per-element protocol of python-paillier and FATE: one ciphertext per entry of Y, and for every output entry
/// Z[i,j] = Π_k Enc(Y[k,j])^X[i,k] with one plain modular exponentiation per term, a freshly encrypted mask and
/// one CRT decryption, on the same backend. With <see cref="RandomiserMode.Classic"/> (the textbook, as the issue
/// defines it) Y and the masks are encrypted as (1 + m·n)·r^n with a full-size r^n; with
/// <see cref="RandomiserMode.Djn"/> it borrows this project's DJN randomiser and key-owner CRT encryption, a
/// stronger reference in which only packing and multi-exponentiation differ. Either way each Enc(Y[k,j]) is
/// inverted once rather than per negative term.
/// </summary>
internal sealed class TextbookBaseline : IDisposable
{
    private readonly Matrix<long> x;
    private readonly Matrix<long> y;
    private readonly PaillierPrivateKey key;
    private readonly ParallelOptions options;
    private readonly int maskBits;
    private readonly Residue[] encrypted;
    private readonly Residue[] inverses;
    private readonly RandomiserMode randomiser;

    /// <summary>Encrypts Y (the encryptor's part) and inverts each ciphertext (the evaluator's), timed as <see cref="SetupSeconds"/>.</summary>
    public TextbookBaseline(
        Matrix<long> x, Matrix<long> y, int productBits, int sigma, PaillierPrivateKey key, int parallelism, RandomiserMode randomiser = RandomiserMode.Classic)
    {
        this.randomiser = randomiser;
        this.x = x;
        this.y = y;
        this.key = key;
        options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
        maskBits = productBits + 1 + sigma;
        var context = key.Context.Arithmetic;
        encrypted = new Residue[y.Data.Length];
        inverses = new Residue[y.Data.Length];
        for (var i = 0; i < encrypted.Length; i++)
        {
            encrypted[i] = context.NewResidue();
            inverses[i] = context.NewResidue();
        }

        var load = MachineLoad.Start();
        var clock = Stopwatch.StartNew();
        var encryptor = MaskEncryptor();
        Parallel.For(0, encrypted.Length, options, i =>
        {
            encryptor.Encrypt(y.Data[i], encrypted[i]);
            context.Inverse(encrypted[i], inverses[i]);
        });
        SetupSeconds = clock.Elapsed.TotalSeconds;
        SetupCpuSeconds = load.OwnCpuSeconds();
    }

    public double SetupSeconds { get; }

    public RandomiserMode Randomiser => randomiser;

    public double? SetupCpuSeconds { get; }

    /// <summary>Computes, masks, re-randomises and decrypts every output entry of rows [first, first + count) on all cores; returns the time and the entries that differ from X·Y.</summary>
    public (double Seconds, int Mismatches) RunRows(int first, int count)
    {
        var publicKey = key.Context;
        var context = publicKey.Arithmetic;
        var columns = y.Columns;
        var evaluator = new PaillierEvaluator(publicKey);
        var maskEncryptor = MaskEncryptor();
        var decryptor = new PaillierDecryptor(key);
        var decrypted = new BigInteger[count * columns];
        var clock = Stopwatch.StartNew();
        Parallel.For(
            0,
            decrypted.Length,
            options,
            () => (Sum: context.NewResidue(), Term: context.NewResidue()),
            (entry, _, scratch) =>
            {
                var (row, column) = (first + (entry / columns), entry % columns);
                context.SetOne(scratch.Sum);
                for (var k = 0; k < y.Rows; k++)
                {
                    var value = x[row, k];
                    var index = (k * columns) + column;
                    var magnitude = value >= 0 ? (BigInteger)value : -(BigInteger)value;
                    context.Pow(value >= 0 ? encrypted[index] : inverses[index], magnitude, scratch.Term);
                    context.Multiply(scratch.Sum, scratch.Term, scratch.Sum);
                }

                var mask = Randomness.Bits(maskBits);
                if (randomiser == RandomiserMode.Classic)
                {
                    maskEncryptor.Encrypt(mask, scratch.Term);
                    evaluator.Add(scratch.Sum, scratch.Term, scratch.Sum);
                }
                else
                {
                    evaluator.AddPlain(scratch.Sum, mask, scratch.Sum);
                    evaluator.Rerandomize(scratch.Sum, scratch.Sum);
                }

                decrypted[entry] = decryptor.Decrypt(scratch.Sum) - mask;
                return scratch;
            },
            scratch =>
            {
                scratch.Sum.Dispose();
                scratch.Term.Dispose();
            });
        var seconds = clock.Elapsed.TotalSeconds;

        var rows = new Matrix<long>(count, x.Columns, x.Data[(first * x.Columns)..((first + count) * x.Columns)]);
        var expected = Shares.Product(rows, y);
        return (seconds, expected.Data.Where((value, i) => value != decrypted[i]).Count());
    }

    // The textbook encrypts with the public key and r^n; the DJN reference uses the key owner's CRT path.
    private PaillierEncryptor MaskEncryptor() =>
        randomiser == RandomiserMode.Classic ? new PaillierEncryptor(key.Context, RandomiserMode.Classic) : new PaillierEncryptor(key);

    /// <summary>Runs rows [0, rows) in up to <paramref name="chunks"/> chunks, one line each: a burst of outside load spoils one chunk, not the estimate.</summary>
    public IReadOnlyList<BaselineChunk> RunChunks(int rows, int chunks)
    {
        var result = new List<BaselineChunk>();
        var count = Math.Min(chunks, rows);
        for (var c = 0; c < count; c++)
        {
            var first = rows * c / count;
            var size = (rows * (c + 1) / count) - first;
            var load = MachineLoad.Start();
            var (seconds, mismatches) = RunRows(first, size);
            result.Add(new BaselineChunk(size, seconds, mismatches, load.OtherCores(), load.OwnCpuSeconds()));
            Console.WriteLine($"  baseline rows {first}..{first + size - 1}: {Report.Format(seconds)} s ({Report.Format(result[^1].CpuSeconds)} cpu-s), {mismatches} wrong entries, others used {Report.FormatLoad(result[^1].OtherCores)} cores");
        }

        return result;
    }

    /// <summary>The baseline's time for <paramref name="rows"/> rows: setup (not scaled) + the best chunk's time per row × rows.</summary>
    public double Estimate(IReadOnlyList<BaselineChunk> chunks, int rows) => SetupSeconds + (chunks.Min(c => c.Seconds / c.Rows) * rows);

    public void Dispose()
    {
        foreach (var r in encrypted.Concat(inverses))
        {
            r.Dispose();
        }
    }
}

internal sealed record BaselineChunk(int Rows, double Seconds, int Mismatches, double? OtherCores, double? CpuSeconds);
