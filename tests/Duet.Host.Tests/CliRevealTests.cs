using System.Text.Json.Nodes;
using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>
/// <c>duet reveal</c> on the shares of a real session: the metadata beside each share lets it apply the product's
/// scale itself and refuse every pair that would silently give a wrong product.
/// </summary>
public sealed class CliRevealTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Reveal_applies_the_scale_and_refuses_every_pair_that_is_not_one_product()
    {
        // Reals with 8 + 8 fraction bits: the product carries 16, which the user never has to say.
        directory.WriteText("x.csv", "0.5,-1.25\n2,0.75\n");
        directory.WriteText("y.csv", "1.5\n-0.5\n");
        var (summaryA, summaryB) = await RunSessionAsync(["--frac-bits", "8", "--input-bits", "16"]);

        var expected = new[] { (0.5 * 1.5) + (-1.25 * -0.5), (2 * 1.5) + (0.75 * -0.5) };
        Assert.Contains($"to reveal: duet reveal --a {directory.File("a.npy")} --b <the peer's share file> --out ", summaryA, StringComparison.Ordinal);
        Assert.Contains($"to reveal: duet reveal --a <the peer's share file> --b {directory.File("b.npy")} --out ", summaryB, StringComparison.Ordinal);
        var revealed = Reveal("a.npy", "b.npy");
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(expected, MatrixFiles.Read(directory.File("p.csv")).ToFloat64().Data);

        // The README's old example: 16 where the product carries another scale.
        CliCommandTests.AssertBadInput(Reveal("a.npy", "b.npy", "--frac-bits", "12"), "the product carries 16 fraction bits");

        // Integer-domain arithmetic on ring64 shares.
        CliCommandTests.AssertBadInput(Reveal("a.npy", "b.npy", "--share", "integer"), "these are ring64 shares");

        // The same share twice.
        CliCommandTests.AssertBadInput(Reveal("a.npy", "a.npy"), "both are the left party's share");

        // A plain input matrix instead of a share.
        CliCommandTests.AssertBadInput(Reveal("a.npy", "y.csv"), "not a share written by 'duet party'");

        // A share of another session: a copy whose metadata names another session id.
        File.Copy(directory.File("b.npy"), directory.File("old.npy"));
        var metadata = JsonNode.Parse(File.ReadAllText(directory.File("b.npy.duet.json")))!;
        metadata["session"] = Guid.NewGuid().ToString();
        File.WriteAllText(directory.File("old.npy.duet.json"), metadata.ToJsonString());
        CliCommandTests.AssertBadInput(Reveal("a.npy", "old.npy"), "two different sessions");

        // The same session id with another transcript digest: not the share of the session a.npy finished.
        var session = JsonNode.Parse(File.ReadAllText(directory.File("b.npy.duet.json")))!;
        session["transcript"] = new string('0', 64);
        File.WriteAllText(directory.File("old.npy.duet.json"), session.ToJsonString());
        CliCommandTests.AssertBadInput(Reveal("a.npy", "old.npy"), "their session transcript digests differ");

        // Metadata written before the transcript digest was recorded still reveals.
        session.AsObject().Remove("transcript");
        File.WriteAllText(directory.File("old.npy.duet.json"), session.ToJsonString());
        Assert.Equal(0, Reveal("a.npy", "old.npy").Code);

        Assert.DoesNotContain("q.csv", directory.FileNames());
    }

    [Fact]
    public async Task Integer_shares_reveal_exactly_without_options()
    {
        var x = CliRunner.RandomIntegers(3, 2, 1 << 30, seed: 5);
        var y = CliRunner.RandomIntegers(2, 2, 1 << 30, seed: 6);
        MatrixFiles.Write(directory.File("x.csv"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        await RunSessionAsync(["--share", "integer"], extension: "csv");

        var revealed = CliRunner.Run("reveal", "--a", directory.File("b.csv"), "--b", directory.File("a.csv"), "--out", directory.File("p.csv"));

        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(Shares.Product(x, y).Data, MatrixFiles.ReadIntegers(directory.File("p.csv")).Data);
        Assert.Equal(
            ["a.csv", "a.csv.duet.json", "b.csv", "b.csv.duet.json", "key.json", "p.csv", "x.csv", "y.csv"],
            directory.FileNames());
    }

    private CliOutcome Reveal(string a, string b, params string[] options) =>
        CliRunner.Run(["reveal", "--a", directory.File(a), "--b", directory.File(b), "--out", directory.File(options.Length == 0 ? "p.csv" : "q.csv"), .. options]);

    /// <summary>Runs A (x.csv, left) and B (y.csv, right) in this process; returns their summary lines.</summary>
    private async Task<(string A, string B)> RunSessionAsync(string[] options, string extension = "npy")
    {
        var key = directory.File("key.json");
        Assert.Equal(0, CliRunner.Run("keygen", "--bits", "2048", "--out", key).Code);
        var port = CliRunner.FreePort();
        var runA = CliRunner.RunAsync(["party", "--input", directory.File("x.csv"), "--output", directory.File($"a.{extension}"), "--listen", $"127.0.0.1:{port}", "--name", "a", "--insecure", .. options]);
        await CliRunner.WaitForListenerAsync(port, runA, RunTimeout);
        var b = await CliRunner.RunAsync(["party", "--input", directory.File("y.csv"), "--output", directory.File($"b.{extension}"), "--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", "--key", key, "--insecure", .. options]).WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);
        Assert.True(a.Code == 0, a.ToString());
        Assert.True(b.Code == 0, b.ToString());
        return (Assert.Single(a.OutLines), Assert.Single(b.OutLines));
    }
}
