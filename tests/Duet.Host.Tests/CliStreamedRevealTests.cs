using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Host.Commands;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>Two <c>duet party</c> processes with a reveal stream their shares to disk too, and the party the product
/// is revealed to adds it from its share file and the peer's revealed share: shares and product are byte for byte the
/// files the in-memory writers write from them; a party killed mid-run leaves nothing under a final name.</summary>
public sealed class CliStreamedRevealTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

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
        string[] more = ["--reveal", reveal, "--frac-bits", $"{fractionBits}"];

        var (a, b) = await RunBoth(outputA, outputB, more);

        Assert.True(a.Code == 0, a.ToString() + b.ToString());
        Assert.True(b.Code == 0, b.ToString());
        var (shareA, shareB) = (MatrixFiles.ReadIntegers(directory.File(outputA)), MatrixFiles.ReadIntegers(directory.File(outputB)));
        foreach (var (output, share) in new[] { (outputA, shareA), (outputB, shareB) })
        {
            var rewritten = directory.File("again" + Path.GetExtension(output));
            Outputs.WriteShare(rewritten, share, ShareDomain.Ring64);
            Assert.Equal(File.ReadAllBytes(rewritten), File.ReadAllBytes(directory.File(output)));
        }

        var product = Shares.Reconstruct(shareA, shareB, ShareDomain.Ring64);
        Assert.Equal(Shares.Product(x, y).Data, product.Data.Select(v => v >> (2 * fractionBits)));
        foreach (var (side, output, outcome) in new[] { ("left", outputA, a), ("right", outputB, b) })
        {
            var productFile = Outputs.ProductPathBeside(output);
            if (reveal != "both" && reveal != side)
            {
                Assert.False(File.Exists(directory.File(productFile)), productFile);
                continue;
            }

            Assert.Contains($"product -> {productFile}", outcome.OutLines[^1], StringComparison.Ordinal);
            var expected = directory.File("expected" + Path.GetExtension(output));
            Outputs.WriteProduct(expected, product, 2 * fractionBits);
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(directory.File(productFile)));
        }

        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".tmp-", StringComparison.Ordinal) || name.Contains(".peer-share", StringComparison.Ordinal));
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".duet-journal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_party_killed_mid_run_with_a_reveal_leaves_no_file_under_a_final_name()
    {
        MatrixFiles.Write(directory.File("x.npy"), CliRunner.RandomIntegers(3000, 100, 1000, seed: 1));
        MatrixFiles.Write(directory.File("y.csv"), CliRunner.RandomIntegers(100, 2, 1000, seed: 2));
        var port = CliRunner.FreePort();

        using var a = DuetProcess.Start(directory.Path, Party("x.npy", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", "--reveal", "both"));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.csv", "b.csv", "--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", "--reveal", "both"));
        await a.WaitForErrorAsync("[a] evaluate ", RunTimeout);
        a.Kill();
        var outcomeB = await b.WaitAsync(RunTimeout);

        Assert.True(outcomeB.Code == 1, outcomeB.ToString());
        string[] finalNames = ["a.npy", "a.npy.duet.json", "a.product.npy", "b.csv", "b.csv.duet.json", "b.product.csv"];
        Assert.Empty(directory.FileNames().Intersect(finalNames));

        // B ended cleanly and removed its temporary files; the killed A left only temporary ones, and no journal (a
        // run with a reveal is not resumable).
        Assert.DoesNotContain(directory.FileNames(), name => name.StartsWith("b.", StringComparison.Ordinal) && name != "b.log");
        Assert.All(directory.FileNames().Where(name => name.StartsWith("a.", StringComparison.Ordinal)), name => Assert.Contains(".tmp-", name, StringComparison.Ordinal));
    }

    private async Task<(CliOutcome A, CliOutcome B)> RunBoth(string outputA, string outputB, string[] more)
    {
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, Party("x.npy", outputA, ["--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", .. more]));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.csv", outputB, ["--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", .. more]));
        var outcomeB = await b.WaitAsync(RunTimeout);
        return (await a.WaitAsync(RunTimeout), outcomeB);
    }

    private static string[] Party(string input, string output, params string[] more) =>
        ["party", "--input", input, "--output", output, "--input-bits", "16", "--insecure", .. more];
}
