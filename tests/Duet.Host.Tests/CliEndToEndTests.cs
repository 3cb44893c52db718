using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>
/// Whole runs over loopback remoting: the demo, two parties in this process, and two real <c>duet party</c>
/// processes. One class, so they run one after the other on a small machine.
/// </summary>
public sealed class CliEndToEndTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Demo_verifies_the_reconstructed_product()
    {
        var outcome = CliRunner.Run("demo", "--rows", "20", "--inner", "5", "--cols", "3", "--key-bits", "2048");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.StartsWith("verified: 60 entries exact", outcome.OutLines[^1], StringComparison.Ordinal);
        Assert.Contains(outcome.OutLines, line => line.StartsWith("plan: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Demo_by_default_ends_with_the_product_exact_as_integers()
    {
        // The README's first command: 1000x100 · 100x10 of entries whose products ring64 shares hold exactly.
        var outcome = CliRunner.Run("demo");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Equal("left  X: 1000x100 random integers, |v| < 2^24", outcome.OutLines[0]);
        Assert.Equal("verified: 10000 entries exact as integers", outcome.OutLines[^1]);
    }

    [Fact]
    public void Demo_of_32_bit_entries_says_which_bound_keeps_the_product_exact()
    {
        // 2·32 + ⌈log2 100⌉ = 71 bits: 8 too many for ring64's 2^63, 4 off each operand's bound.
        var outcome = CliRunner.Run("demo", "--rows", "20", "--inner", "100", "--cols", "3", "--input-bits", "32");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.StartsWith("verified: 60 entries exact mod 2^64 (", outcome.OutLines[^1], StringComparison.Ordinal);
        Assert.EndsWith("; --input-bits 28 or --share integer keeps them exact)", outcome.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_with_the_fast_key_form_verifies_the_reconstructed_product()
    {
        var outcome = CliRunner.Run("demo", "--rows", "20", "--inner", "5", "--cols", "3", "--key-bits", "2048", "--key-form", "fast");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains(outcome.OutLines, line => line.Contains("2048-bit fast keys", StringComparison.Ordinal));
        Assert.StartsWith("verified: 60 entries exact", outcome.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_of_reals_in_ring64_with_the_product_revealed_to_both()
    {
        var outcome = CliRunner.Run(
            "demo", "--rows", "7", "--inner", "4", "--cols", "2", "--frac-bits", "12", "--input-bits", "20", "--share", "ring64", "--reveal", "both");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.StartsWith("verified: max abs error", outcome.OutLines[^1], StringComparison.Ordinal);
        Assert.Contains("revealed product matches", outcome.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_on_bfv_gives_exact_integer_shares_and_reveals_the_product()
    {
        var outcome = CliRunner.Run("demo", "--rows", "30", "--inner", "6", "--cols", "4", "--scheme", "bfv", "--share", "integer", "--reveal", "both");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains(outcome.OutLines, line => line.StartsWith("plan: ", StringComparison.Ordinal) && line.Contains("BFV N = ", StringComparison.Ordinal));
        Assert.Equal("verified: 120 entries exact as integers, revealed product matches", outcome.OutLines[^1]);
    }

    [Fact]
    public async Task Two_parties_agree_on_bfv_from_a_configuration_file_and_an_option()
    {
        var x = CliRunner.RandomIntegers(9, 5, 1000, seed: 21);
        var y = CliRunner.RandomIntegers(5, 3, 1000, seed: 22);
        var (xPath, yPath) = (directory.File("x.csv"), directory.File("y.csv"));
        MatrixFiles.Write(xPath, x);
        MatrixFiles.Write(yPath, y);
        var port = CliRunner.FreePort();
        var configA = directory.WriteText("a.hocon", "duet.session.scheme = bfv\nduet.session.share-domain = integer\n");

        var runA = CliRunner.RunAsync(
            "party", "--config", configA, "--input", xPath, "--output", directory.File("a.csv"), "--listen", $"127.0.0.1:{port}", "--side", "left", "--reveal", "both", "--name", "a", "--insecure");
        await CliRunner.WaitForListenerAsync(port, runA, RunTimeout);
        var b = await CliRunner.RunAsync(
            "party", "--input", yPath, "--output", directory.File("b.csv"), "--peer", $"127.0.0.1:{port}", "--side", "right", "--reveal", "both", "--name", "b",
            "--scheme", "bfv", "--share", "integer", "--insecure").WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);

        Assert.True(a.Code == 0, a.ToString() + b.ToString());
        Assert.True(b.Code == 0, b.ToString());
        Assert.Contains("BFV N = ", b.OutLines[^1], StringComparison.Ordinal);
        var expected = Shares.Product(x, y);
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("a.product.csv")).Data);
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("b.product.csv")).Data);
        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.csv"), "--b", directory.File("b.csv"), "--share", "integer", "--out", directory.File("p.csv"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("p.csv")).Data);
    }

    [Fact]
    public async Task Two_party_processes_reveal_the_product_to_both()
    {
        var x = CliRunner.RandomIntegers(6, 4, 1000, seed: 11);
        var y = CliRunner.RandomIntegers(4, 2, 1000, seed: 12);
        var xPath = directory.File("x.csv");
        var yPath = directory.File("y.npy");
        MatrixFiles.Write(xPath, x);
        MatrixFiles.Write(yPath, y);
        var key = directory.File("key.json");
        // The encryptor's key in the experimental fast form: the key file and the public key carry it to the evaluator,
        // which accepts it because it opted in.
        Assert.Equal(0, CliRunner.Run("keygen", "--bits", "2048", "--key-form", "fast", "--out", key).Code);
        Assert.Contains("\"form\": \"fast\"", File.ReadAllText(key), StringComparison.Ordinal);
        var pinA = CliTlsTests.MakeCertificate(directory, "a");
        var pinB = CliTlsTests.MakeCertificate(directory, "b");
        var port = CliRunner.FreePort();

        using var a = DuetProcess.Start(
            directory.Path, "party", "--input", xPath, "--output", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--reveal", "both", "--name", "a", "--accept-fast-key", "--cert", "a.pfx", "--pin", pinB);
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(
            directory.Path, "party", "--input", yPath, "--output", "b.csv", "--peer", $"127.0.0.1:{port}", "--side", "right", "--reveal", "both", "--name", "b", "--key", key, "--cert", "b.pfx", "--pin", pinA);
        var outcomeB = await b.WaitAsync(RunTimeout);
        var outcomeA = await a.WaitAsync(RunTimeout);

        Assert.True(outcomeA.Code == 0, outcomeA.ToString());
        Assert.True(outcomeB.Code == 0, outcomeB.ToString());
        Assert.StartsWith("a: evaluator", outcomeA.OutLines[^1], StringComparison.Ordinal);
        Assert.StartsWith("b: encryptor", outcomeB.OutLines[^1], StringComparison.Ordinal);

        // 32-bit bounds and k = 4 allow |P| up to 2^66: each party is told, on stderr, that ring64 is exact only below
        // 2^63 and which bounds fit; stdout is the one summary line.
        Assert.Contains(outcomeA.ErrorLines, line => line.StartsWith("duet: note: a: ", StringComparison.Ordinal) && line.Contains("2^66", StringComparison.Ordinal)
            && line.Contains("lower --input-bits by 3 (to 29 here), or by 2 on both sides", StringComparison.Ordinal));
        Assert.Single(outcomeA.OutLines);
        Assert.Single(outcomeB.OutLines);

        // Progress on a redirected stderr: every phase is seen to finish, in the units the summary counts, with the
        // product's rows (6) done.
        var tiles = System.Text.RegularExpressions.Regex.Match(outcomeB.OutLines[0], "result in ([0-9]+) tiles?").Groups[1].Value;
        Assert.Contains($"[b] decrypt {tiles}/{tiles} tiles (100%), 6/6 rows", outcomeB.ErrorLines);
        Assert.Contains($"[a] evaluate {tiles}/{tiles} tiles (100%), 6/6 rows", outcomeA.ErrorLines);
        Assert.Contains(outcomeB.ErrorLines, l => l.StartsWith("[b] encrypt ", StringComparison.Ordinal) && l.EndsWith(" blocks (100%)", StringComparison.Ordinal));
        var expected = Shares.Product(x, y);
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("a.product.npy")).Data);
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("b.product.csv")).Data);

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.csv"), "--out", directory.File("p.csv"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("p.csv")).Data);
    }

    [Fact]
    public async Task Two_parties_of_reals_reveal_to_one_side_from_configuration_files()
    {
        var x = directory.WriteText("x.csv", "a,b,c\n0.5,-1.25,2\n1,0,-0.75\n");
        var w = directory.WriteText("w.csv", "0.25\n-2\n1.5\n");
        var port = CliRunner.FreePort();
        var pinA = CliTlsTests.MakeCertificate(directory, "a");
        var pinB = CliTlsTests.MakeCertificate(directory, "b");
        var configA = directory.WriteText("a.hocon", $"duet.party {{ name = a, side = left, input-bits = 16, frac-bits = 8, listen = \"127.0.0.1:{port}\" }}\nduet.session.share-domain = integer\nduet.tls {{ certificate = a.pfx, peer-pins = [\"{pinB}\"] }}");
        var configB = directory.WriteText("b.hocon", $"duet.party {{ name = b, side = right, input-bits = 16, frac-bits = 4, peer = \"127.0.0.1:{port}\" }}\nduet.session.share-domain = integer\nduet.tls {{ certificate = b.pfx, peer-pins = [\"{pinA}\"] }}");

        // "peer" seen from the right party and "self" seen from the left one are the same choice: to-left.
        var runA = CliRunner.RunAsync("party", "--config", configA, "--input", x, "--header", "--output", directory.File("a.csv"), "--reveal", "left", "--product", directory.File("xw.csv"));
        await CliRunner.WaitForListenerAsync(port, runA, RunTimeout);
        var b = await CliRunner.RunAsync("party", "--config", configB, "--input", w, "--output", directory.File("b.csv"), "--reveal", "left").WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);

        Assert.True(a.Code == 0, a.ToString() + b.ToString());
        Assert.True(b.Code == 0, b.ToString());
        Assert.Contains("product -> ", a.OutLines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("product -> ", b.OutLines[^1], StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("b.product.csv")));
        var product = MatrixFiles.Read(directory.File("xw.csv")).ToFloat64();
        Assert.Equal([(0.5 * 0.25) + (-1.25 * -2) + (2 * 1.5), 0.25 + (-0.75 * 1.5)], product.Data);

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.csv"), "--b", directory.File("b.csv"), "--share", "integer", "--frac-bits", "12", "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(product.Data, MatrixFiles.Read(directory.File("p.npy")).ToFloat64().Data);
    }

    [Fact]
    public async Task Parties_whose_shapes_do_not_match_both_fail_as_bad_input()
    {
        var x = directory.WriteText("x.csv", "1,2,3\n4,5,6\n");
        var y = directory.WriteText("y.csv", "1\n2\n");
        var port = CliRunner.FreePort();

        await BothFailAsBadInput(
            ["--input", x, "--output", directory.File("a.npy"), "--listen", $"127.0.0.1:{port}", "--side", "left", "--insecure"],
            ["--input", y, "--output", directory.File("b.npy"), "--peer", $"127.0.0.1:{port}", "--side", "right", "--insecure"],
            port,
            "incompatible",
            "inner dimensions");
    }

    [Fact]
    public async Task An_evaluator_without_the_opt_in_refuses_a_fast_key_at_the_handshake()
    {
        var x = directory.WriteText("x.csv", "1,2\n3,4\n5,6\n");
        var y = directory.WriteText("y.csv", "1\n2\n");
        var port = CliRunner.FreePort();

        // B would generate a 3072-bit fast key; A's refusal at the handshake comes before it.
        // The encryptor's own --accept-fast-key does not count: the evaluator decides.
        await BothFailAsBadInput(
            ["--input", x, "--output", directory.File("a.npy"), "--listen", $"127.0.0.1:{port}", "--side", "left", "--role", "evaluator", "--scheme", "paillier", "--insecure"],
            ["--input", y, "--output", directory.File("b.npy"), "--peer", $"127.0.0.1:{port}", "--side", "right", "--key-form", "fast", "--accept-fast-key", "--scheme", "paillier", "--insecure"],
            port,
            "fast key refused",
            "duet.session.accept-fast-key");
    }

    [Fact]
    public async Task A_peer_that_never_answers_is_a_runtime_failure()
    {
        var y = directory.WriteText("y.csv", "1\n2\n");
        var config = directory.WriteText("short.hocon", "duet.session.timeout = 2s");
        var port = CliRunner.FreePort();

        using var party = DuetProcess.Start(
            directory.Path, "party", "--config", config, "--input", y, "--output", "b.npy", "--peer", $"127.0.0.1:{port}", "--side", "right", "--insecure");
        var outcome = await party.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Code == 1, outcome.ToString());
        Assert.StartsWith("duet: session aborted (", outcome.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Out);
        Assert.False(File.Exists(directory.File("b.npy")));
    }

    /// <summary>A listens, B calls; both end with one line containing every expected text, exit 2, and no file written.</summary>
    private async Task BothFailAsBadInput(string[] listener, string[] caller, int port, params string[] expected)
    {
        var before = directory.FileNames();
        var runA = CliRunner.RunAsync(["party", .. listener]);
        await CliRunner.WaitForListenerAsync(port, runA, RunTimeout);
        var b = await CliRunner.RunAsync(["party", .. caller]).WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);

        foreach (var outcome in new[] { a, b })
        {
            Assert.True(outcome.Code == 2, outcome.ToString());
            var line = Assert.Single(outcome.FailureLines);
            Assert.All(expected, text => Assert.Contains(text, line, StringComparison.Ordinal));
        }

        Assert.Equal(before, directory.FileNames());
    }
}
