using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Tests;

/// <summary>Two <c>duet party</c> processes stream their shares to disk as tiles finish: the files load unchanged and
/// add up to the product; with a reveal the party the product is revealed to adds it from its share file and the
/// peer's revealed share, byte for byte the files the in-memory writers write; a party killed mid-run leaves nothing
/// under a final name (only partial shares and journals, or with a reveal temporary files).</summary>
public sealed class CliStreamedRunTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(30, 4, 3)]
    [InlineData(3, 4, 20)]
    public async Task Streamed_shares_are_the_files_the_in_memory_writer_writes(int m, int k, int n)
    {
        var x = CliRunner.RandomIntegers(m, k, 1000, seed: m);
        var y = CliRunner.RandomIntegers(k, n, 1000, seed: n);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);

        var (a, b) = await RunBoth("a.npy", "b.csv");

        Assert.True(a.Code == 0, a.ToString() + b.ToString());
        Assert.True(b.Code == 0, b.ToString());
        Assert.Contains($"product {m}x{n} ", a.OutLines[^1], StringComparison.Ordinal);
        Assert.Matches(" tiles? \\([0-9.]+ rows/s\\), (evaluation [0-9.]+ m?s, )?kernel CPU: [^;]*, sent ", a.OutLines[^1]);

        // The evaluator's line also gives its evaluation phase (tables built to last result sent).
        var evaluator = Assert.Single(new[] { a.OutLines[^1], b.OutLines[^1] }, line => line.Contains(": evaluator,", StringComparison.Ordinal));
        Assert.Matches(" tiles? \\([0-9.]+ rows/s\\), evaluation [0-9.]+ m?s, kernel CPU: evaluation ", evaluator);

        // The status file of a finished run says so, with every row done.
        using var status = System.Text.Json.JsonDocument.Parse(File.ReadAllText(directory.File("a.status.json")));
        Assert.Equal("succeeded", status.RootElement.GetProperty("state").GetString());
        Assert.Equal(m, status.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(m, status.RootElement.GetProperty("rows_done").GetInt64());
        Assert.Equal("a", status.RootElement.GetProperty("party").GetString());
        foreach (var share in new[] { "a.npy", "b.csv" })
        {
            var values = MatrixFiles.ReadIntegers(directory.File(share));
            var rewritten = directory.File("again" + Path.GetExtension(share));
            OutputFiles.WriteShare(rewritten, values, ShareDomain.Ring64);
            Assert.Equal(File.ReadAllBytes(rewritten), File.ReadAllBytes(directory.File(share)));
        }

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.csv"), "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(Shares.Product(x, y).Data, MatrixFiles.ReadIntegers(directory.File("p.npy")).Data.Select(v => (BigInteger)v));
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".tmp-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_evaluator_reading_a_csv_of_reals_with_a_header_by_tiles_gives_the_exact_product()
    {
        // A (left, 40x3, the larger operand) evaluates and reads its rows tile by tile from its CSV's scratch file.
        var random = new Random(5);
        var x = new Matrix<double>(40, 3, [.. Enumerable.Range(0, 120).Select(_ => Math.Round((random.NextDouble() - 0.5) * 100, 3))]);
        var y = new Matrix<double>(3, 2, [.. Enumerable.Range(0, 6).Select(_ => Math.Round((random.NextDouble() - 0.5) * 10, 2))]);
        MatrixFiles.Write(directory.File("x.csv"), x);
        directory.WriteText("x.csv", "p,q,r\n" + File.ReadAllText(directory.File("x.csv")));
        MatrixFiles.Write(directory.File("y.npy"), y);
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, Party("x.csv", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", "--frac-bits", "8", "--header"));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.npy", "b.npy", "--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", "--frac-bits", "8"));
        var (outcomeB, outcomeA) = (await b.WaitAsync(RunTimeout), await a.WaitAsync(RunTimeout));
        Assert.True(outcomeA.Code == 0 && outcomeB.Code == 0, outcomeA.ToString() + outcomeB.ToString());
        Assert.Contains("a: evaluator, left operand 40x3, product 40x2 ", outcomeA.OutLines[^1], StringComparison.Ordinal);
        Assert.Equal(["a.npy", "a.npy.duet.json", "b.npy", "b.npy.duet.json", "x.csv", "y.npy"], directory.FileNames());

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.npy"), "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        var product = Shares.Product(FixedPoint.Encode(x, 8, 16, "x"), FixedPoint.Encode(y, 8, 16, "y"));
        Assert.Equal(product.Data.Select(v => Math.ScaleB((double)v, -16)), MatrixFiles.Read(directory.File("p.npy")).ToFloat64().Data);
    }

    [Theory]
    [InlineData("left", "a.npy", "b.csv", 0)]
    [InlineData("right", "a.csv", "b.npy", 4)]
    [InlineData("both", "a.npy", "b.npy", 0)]
    [InlineData("both", "a.csv", "b.csv", 4)]
    public async Task Revealed_products_and_shares_are_the_in_memory_writers_files(string reveal, string outputA, string outputB, int fractionBits)
    {
        var x = CliRunner.RandomIntegers(23, 4, 1000, seed: 3);
        var y = CliRunner.RandomIntegers(4, 5, 1000, seed: 4);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);

        var (a, b) = await RunBoth(outputA, outputB, "--reveal", reveal, "--frac-bits", $"{fractionBits}");

        Assert.True(a.Code == 0, a.ToString() + b.ToString());
        Assert.True(b.Code == 0, b.ToString());
        var (shareA, shareB) = (MatrixFiles.ReadIntegers(directory.File(outputA)), MatrixFiles.ReadIntegers(directory.File(outputB)));
        foreach (var (output, share) in new[] { (outputA, shareA), (outputB, shareB) })
        {
            var rewritten = directory.File("again" + Path.GetExtension(output));
            OutputFiles.WriteShare(rewritten, share, ShareDomain.Ring64);
            Assert.Equal(File.ReadAllBytes(rewritten), File.ReadAllBytes(directory.File(output)));
        }

        var product = Shares.Reconstruct(shareA, shareB, ShareDomain.Ring64);
        Assert.Equal(Shares.Product(x, y).Data, product.Data.Select(v => v >> (2 * fractionBits)));
        foreach (var (side, output, outcome) in new[] { ("left", outputA, a), ("right", outputB, b) })
        {
            var productFile = OutputFiles.ProductPathBeside(output);
            if (reveal != "both" && reveal != side)
            {
                Assert.False(File.Exists(directory.File(productFile)), productFile);
                continue;
            }

            Assert.Contains($"product -> {productFile}", outcome.OutLines[^1], StringComparison.Ordinal);
            var expected = directory.File("expected" + Path.GetExtension(output));
            OutputFiles.WriteProduct(expected, product, 2 * fractionBits);
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(directory.File(productFile)));
        }

        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".tmp-", StringComparison.Ordinal) || name.Contains(".peer-share", StringComparison.Ordinal));
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".duet-journal", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("both")]
    public async Task A_party_killed_mid_run_leaves_no_file_under_a_final_name(string reveal)
    {
        // An evaluation of some seconds on the default scheme (BFV: 20 tiles of 1000 rows by 16 columns), so that A
        // prints its evaluate progress and is killed mid-run; a smaller product could finish before that line.
        MatrixFiles.Write(directory.File("x.npy"), CliRunner.RandomIntegers(20000, 64, 1000, seed: 1));
        MatrixFiles.Write(directory.File("y.csv"), CliRunner.RandomIntegers(64, 16, 1000, seed: 2));
        var port = CliRunner.FreePort();

        using var a = DuetProcess.Start(directory.Path, Party("x.npy", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", "--reveal", reveal));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.csv", "b.csv", "--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", "--reveal", reveal));
        await a.WaitForErrorAsync("[a] evaluate ", RunTimeout);
        a.Kill();
        var outcomeB = await b.WaitAsync(RunTimeout);

        Assert.True(outcomeB.Code == 1, outcomeB.ToString());
        string[] finalNames = ["a.npy", "a.npy.duet.json", "a.product.npy", "b.csv", "b.csv.duet.json", "b.product.csv"];
        Assert.Empty(directory.FileNames().Intersect(finalNames));
        Assert.DoesNotContain(directory.FileNames(), name => name.StartsWith("b.csv.tmp-", StringComparison.Ordinal) || name.StartsWith("b.product", StringComparison.Ordinal));
        // The killed party's share was being written in place, under its partial name only, which both parties keep
        // with their journals for a resume (CliResumeTests); with a reveal, A's file for the peer's share as well.
        Assert.Contains("a.npy.duet-partial", directory.FileNames());
        Assert.Contains("b.csv.duet-journal", directory.FileNames());
        Assert.Equal(reveal != "none", directory.FileNames().Contains("a.product.npy.peer-share.duet-partial"));
    }

    private async Task<(CliOutcome A, CliOutcome B)> RunBoth(string outputA, string outputB, params string[] more)
    {
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, Party("x.npy", outputA, ["--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", "--status-file", "a.status.json", .. more]));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.csv", outputB, ["--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", .. more]));
        var outcomeB = await b.WaitAsync(RunTimeout);
        return (await a.WaitAsync(RunTimeout), outcomeB);
    }

    private static string[] Party(string input, string output, params string[] more) =>
        ["party", "--input", input, "--output", output, "--input-bits", "16", "--insecure", .. more];
}
