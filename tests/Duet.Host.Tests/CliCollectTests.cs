using System.Globalization;
using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary><c>duet collect</c> and <c>duet party --deliver-to</c>: parties A and B deliver their shares to a third
/// party C, run as a user would.</summary>
public sealed class CliCollectTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("npy")]
    [InlineData("csv")] // B's share streams to CSV records, which its delivery reads back after the commit
    public async Task Three_processes_over_tls_give_c_the_exact_product_and_a_and_b_no_product(string extension)
    {
        var shareFile = $"b.{extension}";
        // Entries of six or seven digits, so that a product entry written anywhere would be recognised.
        var x = CliRunner.RandomIntegers(5, 3, 1_000_000, seed: 21);
        var y = CliRunner.RandomIntegers(3, 2, 1_000_000, seed: 22);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        var expected = Shares.Product(x, y);
        Assert.Equal(0, CliRunner.Run("keygen", "--bits", "2048", "--out", directory.File("key.json")).Code);
        var (pinA, pinB, pinC) = (CliTlsTests.MakeCertificate(directory, "a"), CliTlsTests.MakeCertificate(directory, "b"), CliTlsTests.MakeCertificate(directory, "c"));
        Directory.CreateDirectory(directory.File("kept"));
        var (portC, portA) = (CliRunner.FreePort(), CliRunner.FreePort());
        // B names the collector in its configuration file; A on the command line.
        directory.WriteText("b.hocon", $"duet.delivery {{ to = \"127.0.0.1:{portC}\", pins = [\"{pinC}\"] }}\nduet.tls {{ certificate = b.pfx, peer-pins = [\"{pinA}\"] }}\n");

        using var c = DuetProcess.Start(directory.Path, "collect", "--listen", $"127.0.0.1:{portC}", "--output", "p.npy", "--shares", "kept", "--cert", "c.pfx", "--pin-left", pinA, "--pin-right", pinB);
        await CliRunner.WaitForListenerAsync(portC, c.Exited, RunTimeout);
        using var a = DuetProcess.Start(
            directory.Path, "party", "--input", "x.npy", "--listen", $"127.0.0.1:{portA}", "--side", "left", "--name", "a", "--cert", "a.pfx", "--pin", pinB, "--deliver-to", $"127.0.0.1:{portC}", "--deliver-pin", pinC);
        await CliRunner.WaitForListenerAsync(portA, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, "party", "--config", "b.hocon", "--input", "y.csv", "--output", shareFile, "--peer", $"127.0.0.1:{portA}", "--side", "right", "--name", "b", "--key", "key.json");
        var (outcomeA, outcomeB, outcomeC) = (await a.WaitAsync(RunTimeout), await b.WaitAsync(RunTimeout), await c.WaitAsync(RunTimeout));

        Assert.True(outcomeA.Code == 0, outcomeA.ToString());
        Assert.True(outcomeB.Code == 0, outcomeB.ToString());
        Assert.True(outcomeC.Code == 0, outcomeC.ToString());
        Assert.Contains($"share delivered to the collector at 127.0.0.1:{portC}", Assert.Single(outcomeA.OutLines), StringComparison.Ordinal);
        Assert.Contains($"share -> {shareFile}; share delivered to the collector", Assert.Single(outcomeB.OutLines), StringComparison.Ordinal);
        Assert.Contains("collect: received the left and right shares of session ", Assert.Single(outcomeC.OutLines), StringComparison.Ordinal);

        // C: the exact product, and both shares with their metadata, which 'duet reveal' adds to the same product.
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("p.npy")).Data);
        Assert.Equal(
            ["share-left.npy", "share-left.npy.duet.json", "share-right.npy", "share-right.npy.duet.json"],
            [.. Directory.GetFiles(directory.File("kept")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)]);
        var revealed = CliRunner.Run("reveal", "--a", directory.File("kept/share-left.npy"), "--b", directory.File("kept/share-right.npy"), "--out", directory.File("again.csv"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("again.csv")).Data);

        // A and B: A wrote nothing (it only delivered), B only its share, equal to the share it delivered and not the
        // product; neither printed a product entry.
        Assert.Equal(
            new[] { "a.pfx", "again.csv", "b.hocon", shareFile, $"{shareFile}.duet.json", "b.pfx", "c.pfx", "key.json", "p.npy", "x.npy", "y.csv" }.Order(StringComparer.Ordinal),
            directory.FileNames());
        // B's metadata carries the session's transcript digest, as C's copies of both shares do.
        var transcript = Transcript(directory.File($"{shareFile}.duet.json"));
        Assert.Matches("^[0-9a-f]{64}$", transcript);
        Assert.Equal(transcript, Transcript(directory.File("kept/share-left.npy.duet.json")));
        Assert.Equal(transcript, Transcript(directory.File("kept/share-right.npy.duet.json")));
        var shareB = MatrixFiles.ReadIntegers(directory.File(shareFile));
        Assert.Equal(shareB.Data, MatrixFiles.ReadIntegers(directory.File("kept/share-right.npy")).Data);
        Assert.NotEqual(expected.Data, shareB.Data);
        Assert.NotEqual(expected.Data, Shares.Reconstruct(shareB, new Matrix<System.Numerics.BigInteger>(5, 2), ShareDomain.Ring64).Data);
        foreach (var entry in expected.Data.Select(v => v.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.DoesNotContain(entry, outcomeA.Out + outcomeA.Error + outcomeB.Out + outcomeB.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_collector_refuses_shares_of_two_different_sessions_and_writes_nothing()
    {
        WriteOperands();
        var portC = CliRunner.FreePort();
        var collect = CliRunner.RunAsync("collect", "--listen", $"127.0.0.1:{portC}", "--output", directory.File("p.csv"), "--shares", directory.Path, "--insecure");
        await CliRunner.WaitForListenerAsync(portC, collect, RunTimeout);

        // Session 1: A delivers its left share; session 2: B delivers its right share.
        var (first, _) = await RunSessionAsync(1, deliverA: portC, deliverB: null);
        var (_, second) = await RunSessionAsync(2, deliverA: null, deliverB: portC);
        var outcome = await collect.WaitAsync(RunTimeout);

        Assert.Contains("share delivered", first.Out, StringComparison.Ordinal);
        Assert.True(second.Code == 1, second.ToString());
        var refused = Assert.Single(second.FailureLines);
        Assert.Contains("the share was not delivered", refused, StringComparison.Ordinal);
        Assert.Contains("two different sessions", refused, StringComparison.Ordinal);
        Assert.Contains("the share was not kept (no --output)", refused, StringComparison.Ordinal);

        Assert.True(outcome.Code == 1, outcome.ToString());
        var line = Assert.Single(outcome.FailureLines);
        Assert.StartsWith("duet: refused the right share of session ", line, StringComparison.Ordinal);
        Assert.Contains("two different sessions", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Out);
        Assert.DoesNotContain(directory.FileNames(), name => name.StartsWith("p.", StringComparison.Ordinal) || name.StartsWith("share-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Share_files_delivered_later_with_duet_deliver_give_c_the_product()
    {
        WriteOperands();
        var (first, second) = await RunSessionAsync(1, deliverA: null, deliverB: null);
        var portC = CliRunner.FreePort();
        var collect = CliRunner.RunAsync("collect", "--listen", $"127.0.0.1:{portC}", "--output", directory.File("p.csv"), "--insecure");
        await CliRunner.WaitForListenerAsync(portC, collect, RunTimeout);

        var sent = await Task.WhenAll(
            CliRunner.RunAsync("deliver", "--share", directory.File("a1.npy"), "--to", $"127.0.0.1:{portC}", "--insecure"),
            CliRunner.RunAsync("deliver", "--share", directory.File("b1.npy"), "--to", $"127.0.0.1:{portC}", "--insecure")).WaitAsync(RunTimeout);
        var outcome = await collect.WaitAsync(RunTimeout);

        Assert.All(sent, s => Assert.True(s.Code == 0, s.ToString()));
        Assert.Contains("deliver: left share of session ", sent[0].Out, StringComparison.Ordinal);
        Assert.True(outcome.Code == 0, outcome.ToString());
        var expected = Shares.Product(MatrixFiles.ReadIntegers(directory.File("x.csv")).Map(v => (long)v), MatrixFiles.ReadIntegers(directory.File("y.csv")).Map(v => (long)v));
        Assert.Equal(expected.Data, MatrixFiles.ReadIntegers(directory.File("p.csv")).Data);
        Assert.Contains("to reveal", first.Out + second.Out, StringComparison.Ordinal);

        // A file without its metadata is not a share duet can deliver.
        File.Copy(directory.File("a1.npy"), directory.File("copy.npy"));
        CliCommandTests.AssertBadInput(CliRunner.Run("deliver", "--share", directory.File("copy.npy"), "--to", $"127.0.0.1:{portC}", "--insecure"), "copy.npy.duet.json");
    }

    [Fact]
    public async Task A_party_delivering_its_share_file_as_the_other_sides_is_refused_and_c_still_gets_the_product()
    {
        var (pinA, pinB, pinC) = (CliTlsTests.MakeCertificate(directory, "a"), CliTlsTests.MakeCertificate(directory, "b"), CliTlsTests.MakeCertificate(directory, "c"));
        var transcript = new string('5', 64);
        var left = WriteShare("left.csv", "left", [3, -4, 5, 6], transcript);
        var right = WriteShare("right.csv", "right", [10, 20, -30, 40], transcript);
        var forged = WriteShare("a-as-right.csv", "right", [3, -4, 5, 6], transcript);
        var portC = CliRunner.FreePort();
        var collect = CliRunner.RunAsync("collect", "--listen", $"127.0.0.1:{portC}", "--output", directory.File("p.csv"), "--cert", directory.File("c.pfx"), "--pin-left", pinA, "--pin-right", pinB);
        await CliRunner.WaitForListenerAsync(portC, collect, RunTimeout);
        Task<CliOutcome> Deliver(string share, string certificate) =>
            CliRunner.RunAsync("deliver", "--share", share, "--to", $"127.0.0.1:{portC}", "--cert", directory.File(certificate), "--pin", pinC).WaitAsync(RunTimeout);

        // A holds the left share but sends a file whose metadata says it is the right side's.
        var refused = await Deliver(forged, "a.pfx");
        var sent = await Task.WhenAll(Deliver(left, "a.pfx"), Deliver(right, "b.pfx"));
        var outcome = await collect.WaitAsync(RunTimeout);

        Assert.True(refused.Code == 1, refused.ToString());
        Assert.Contains($"refused the share: the offer of the right share is signed by the certificate {pinA}, not by the one pinned for the right side", Assert.Single(refused.FailureLines), StringComparison.Ordinal);
        Assert.All(sent, s => Assert.True(s.Code == 0, s.ToString()));
        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Equal([13, 16, -25, 46], MatrixFiles.ReadIntegers(directory.File("p.csv")).Data.Select(v => (long)v));
    }

    [Fact]
    public void A_share_file_whose_metadata_has_no_transcript_digest_is_not_delivered()
    {
        var share = WriteShare("old.csv", "left", [1, 2, 3, 4], transcript: null);

        var outcome = CliRunner.Run("deliver", "--share", share, "--to", "127.0.0.1:1", "--insecure");

        CliCommandTests.AssertBadInput(outcome, "old.csv.duet.json: no transcript digest (metadata written by an older duet)");
    }

    [Fact]
    public async Task A_collector_refuses_an_unpinned_party_and_says_so_when_its_wait_ends()
    {
        WriteOperands();
        var pinA = CliTlsTests.MakeCertificate(directory, "a");
        var pinB = CliTlsTests.MakeCertificate(directory, "b");
        var pinC = CliTlsTests.MakeCertificate(directory, "c");
        var pinD = CliTlsTests.MakeCertificate(directory, "d");
        var (portC, portA) = (CliRunner.FreePort(), CliRunner.FreePort());
        var delivery = directory.WriteText("deliver.hocon", $"duet.delivery {{ to = \"127.0.0.1:{portC}\", pins = [\"{pinC}\"], timeout = 5s }}\n");

        // C pins A for the left side and another certificate, not B's, for the right.
        var collect = CliRunner.RunAsync("collect", "--listen", $"127.0.0.1:{portC}", "--output", directory.File("p.csv"), "--cert", directory.File("c.pfx"), "--pin-left", pinA, "--pin-right", pinD, "--wait", "25s");
        await CliRunner.WaitForListenerAsync(portC, collect, RunTimeout);
        var runA = CliRunner.RunAsync("party", "--config", delivery, "--input", directory.File("x.csv"), "--listen", $"127.0.0.1:{portA}", "--side", "left", "--cert", directory.File("a.pfx"), "--pin", pinB);
        await CliRunner.WaitForListenerAsync(portA, runA, RunTimeout);
        var b = await CliRunner.RunAsync("party", "--config", delivery, "--input", directory.File("y.csv"), "--peer", $"127.0.0.1:{portA}", "--side", "right", "--key", Key(), "--cert", directory.File("b.pfx"), "--pin", pinA).WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);
        var outcome = await collect.WaitAsync(RunTimeout);

        Assert.True(a.Code == 0, a.ToString());
        Assert.True(b.Code == 1, b.ToString());
        // C tells B why before it closes the link.
        Assert.Contains($"the peer at 127.0.0.1:{portC} refused this party's certificate ({pinB}; ", Assert.Single(b.FailureLines), StringComparison.Ordinal);
        Assert.Contains("the share was not kept (no --output)", b.FailureLines[0], StringComparison.Ordinal);
        Assert.True(outcome.Code == 1, outcome.ToString());
        var line = Assert.Single(outcome.FailureLines);
        Assert.StartsWith("duet: only the left share arrived within 25 s", line, StringComparison.Ordinal);
        Assert.Contains($"its certificate {pinB} is not pinned", line, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("p.csv")));
    }

    [Theory]
    [InlineData(new string[] { }, "--deliver-to")]
    [InlineData(new[] { "--deliver-to", "127.0.0.1:1" }, "--deliver-pin")]
    [InlineData(new[] { "--output", "s.npy", "--deliver-pin", "sha256:00" }, "give its address with --deliver-to")]
    [InlineData(new[] { "--deliver-to", "127.0.0.1:1", "--deliver-pin", "sha256:0000000000000000000000000000000000000000000000000000000000000000", "--reveal", "both" }, "give --output too")]
    public void A_party_without_a_complete_delivery_or_output_is_bad_input(string[] options, string expected)
    {
        var pin = CliTlsTests.MakeCertificate(directory, "a");
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run(["party", "--input", input, "--listen", "127.0.0.1:0", "--cert", directory.File("a.pfx"), "--pin", pin, .. options.Select(o => o == "s.npy" ? directory.File(o) : o)]);

        CliCommandTests.AssertBadInput(outcome, expected);
        Assert.Equal(["a.pfx", "x.csv"], directory.FileNames());
    }

    [Theory]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--insecure" }, "--shares DIR")]
    [InlineData(new[] { "--output", "p.npy", "--insecure" }, "--listen")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy", "--insecure", "--wait", "soon" }, "--wait soon")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--shares", "absent", "--insecure" }, "does not exist")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy" }, "duet certs")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy", "--pin-left", PinA }, "no pin for the right side: give --pin-left")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy", "--pin", PinA, "--pin", PinB }, "--pin does not say which party a certificate is")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy", "--pin-left", PinA, "--pin-right", PinA }, "the same certificate")]
    [InlineData(new[] { "--listen", "127.0.0.1:0", "--output", "p.npy", "--pin-left", PinA, "--insecure" }, "cannot be combined with --pin-left")]
    public void A_collector_with_bad_options_is_bad_input(string[] options, string expected)
    {
        var outcome = CliRunner.Run(["collect", .. options.Select(o => o is "p.npy" or "absent" ? directory.File(o) : o)]);

        CliCommandTests.AssertBadInput(outcome, expected);
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void A_collector_configured_with_peer_pins_is_told_to_pin_each_side()
    {
        var config = directory.WriteText("c.hocon", $"duet.tls.peer-pins = [\"{PinA}\", \"{PinB}\"]\n");
        var outcome = CliRunner.Run("collect", "--config", config, "--listen", "127.0.0.1:0", "--output", directory.File("p.csv"));

        CliCommandTests.AssertBadInput(outcome, "duet.tls.peer-pins does not say which party a certificate is");
    }

    [Fact]
    public void A_misspelt_delivery_key_is_refused_with_the_nearest_one()
    {
        var config = directory.WriteText("c.hocon", "duet.delivery.too = \"127.0.0.1:1\"\n");
        var outcome = CliRunner.Run("collect", "--config", config, "--listen", "127.0.0.1:0", "--output", directory.File("p.csv"), "--insecure");

        CliCommandTests.AssertBadInput(outcome, "unknown key duet.delivery.too (did you mean duet.delivery.to?)");
    }

    private const string PinA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string PinB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static string Transcript(string metadata) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(metadata)).RootElement.GetProperty("transcript").GetString()!;

    /// <summary>A 2x2 integer share with the metadata 'duet party' writes beside it, of one fixed session.</summary>
    private string WriteShare(string name, string side, long[] values, string? transcript)
    {
        var path = directory.File(name);
        MatrixFiles.Write(path, new Matrix<long>(2, 2, values));
        var digest = transcript is null ? string.Empty : $", \"transcript\": \"{transcript}\"";
        directory.WriteText($"{name}.duet.json", $"{{ \"format\": \"duet-share/1\", \"session\": \"3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c\", \"side\": \"{side}\", \"domain\": \"integer\", \"fractionBits\": 0, \"rows\": 2, \"columns\": 2{digest} }}");
        return path;
    }

    private void WriteOperands()
    {
        MatrixFiles.Write(directory.File("x.csv"), CliRunner.RandomIntegers(4, 3, 1000, seed: 31));
        MatrixFiles.Write(directory.File("y.csv"), CliRunner.RandomIntegers(3, 2, 1000, seed: 32));
    }

    private string Key()
    {
        var key = directory.File("key.json");
        if (!File.Exists(key))
        {
            Assert.Equal(0, CliRunner.Run("keygen", "--bits", "2048", "--out", key).Code);
        }

        return key;
    }

    /// <summary>One plaintext session in this process; A or B delivers to the collector's port, or writes its share.</summary>
    private async Task<(CliOutcome A, CliOutcome B)> RunSessionAsync(int run, int? deliverA, int? deliverB)
    {
        string[] Target(int? port, string side) => port is { } p ? ["--deliver-to", $"127.0.0.1:{p}"] : ["--output", directory.File($"{side}{run}.npy")];
        var key = Key();
        var port = CliRunner.FreePort();
        var runA = CliRunner.RunAsync(["party", "--input", directory.File("x.csv"), "--listen", $"127.0.0.1:{port}", "--name", "a", "--insecure", .. Target(deliverA, "a")]);
        await CliRunner.WaitForListenerAsync(port, runA, RunTimeout);
        var b = await CliRunner.RunAsync(["party", "--input", directory.File("y.csv"), "--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", "--key", key, "--insecure", .. Target(deliverB, "b")]).WaitAsync(RunTimeout);
        var a = await runA.WaitAsync(RunTimeout);
        Assert.True(a.Code == 0 || deliverA is not null, a.ToString());
        Assert.True(b.Code == 0 || deliverB is not null, b.ToString());
        return (a, b);
    }
}
