namespace Duet.Host.Tests;

/// <summary>
/// Every class of bad input ends the same way: one line on stderr starting with "duet: ", exit code 2, and no output
/// file. The party cases fail before the party listens, so none of them needs a peer.
/// </summary>
public sealed class CliBadInputTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Missing_input_file() =>
        PartyFails(directory.File("absent.csv"), [], "not found");

    [Fact]
    public void Ragged_csv() =>
        PartyFails(directory.WriteText("x.csv", "1,2\n3\n"), [], "row 2");

    [Fact]
    public void Non_numeric_csv() =>
        PartyFails(directory.WriteText("x.csv", "1,2\n3,abc\n"), [], "abc");

    [Fact]
    public void Not_a_number() =>
        PartyFails(directory.WriteText("x.csv", "1,nan\n"), ["--frac-bits", "8"], "finite");

    [Fact]
    public void Integer_over_the_declared_bound() =>
        PartyFails(directory.WriteText("x.csv", "1,2\n3,300\n"), ["--input-bits", "8"], "bound");

    [Fact]
    public void Real_over_the_declared_bound() =>
        PartyFails(directory.WriteText("x.csv", "0.5,2.5\n"), ["--input-bits", "8", "--frac-bits", "7"], "bound");

    [Fact]
    public void Reals_without_fraction_bits() =>
        PartyFails(directory.WriteText("x.csv", "0.5,1\n"), [], "--frac-bits");

    [Theory]
    [InlineData("--role", "boss", "boss")]
    [InlineData("--side", "middle", "middle")]
    [InlineData("--share", "ring32", "ring32")]
    [InlineData("--reveal", "everyone", "everyone")]
    [InlineData("--input-bits", "many", "many")]
    [InlineData("--input-bits", "64", "input bits")]
    [InlineData("--frac-bits", "32", "fraction bits")]
    [InlineData("--listen", "nonsense", "HOST:PORT")]
    [InlineData("--peer", "host:99999", "HOST:PORT")]
    [InlineData("--key", "absent.json", "not found")]
    [InlineData("--product", "p.txt", ".txt")]
    public void Bad_option_values(string option, string value, string expected)
    {
        var input = directory.WriteText("x.csv", "1,2\n");
        var revealToMe = option == "--product" ? new[] { "--reveal", "left" } : [];
        PartyFails(input, [option, option == "--key" ? directory.File(value) : value, .. revealToMe], expected);
    }

    [Fact]
    public void Share_file_of_unknown_format() =>
        PartyFails(directory.WriteText("x.csv", "1\n"), [], ".txt", output: "share.txt");

    [Fact]
    public void Integer_shares_do_not_go_into_npy() =>
        PartyFails(directory.WriteText("x.csv", "1\n"), ["--share", "integer"], ".csv", output: "share.npy");

    [Fact]
    public void Output_directory_that_does_not_exist() =>
        PartyFails(directory.WriteText("x.csv", "1\n"), [], "does not exist", output: Path.Combine("no", "such", "share.npy"));

    [Fact]
    public void Neither_listen_nor_peer()
    {
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"));
        CliCommandTests.AssertBadInput(outcome, "--listen");
        Assert.Equal(["x.csv"], directory.FileNames());
    }

    [Theory]
    [InlineData("duet.party.name = ${undefined.key}", "HOCON")]
    [InlineData("duet.session.role = boss", "duet.session.role")]
    [InlineData("duet.party.side = up", "duet.party.side")]
    [InlineData("duet.session.sigma = 20", "sigma")]
    public void Bad_configuration(string hocon, string expected)
    {
        var config = directory.WriteText("party.hocon", hocon);
        PartyFails(directory.WriteText("x.csv", "1\n"), ["--config", config], expected);
    }

    [Fact]
    public async Task Configuration_that_the_parser_cannot_finish()
    {
        // Akka's HOCON parser spins on an unclosed '['; in a child process, so no test thread is left spinning.
        var config = directory.WriteText("party.hocon", "duet { party { side = [ }");
        var input = directory.WriteText("x.csv", "1\n");
        using var party = DuetProcess.Start(directory.Path, "party", "--config", config, "--input", input, "--output", "s.npy", "--listen", "127.0.0.1:0");

        CliCommandTests.AssertBadInput(await party.WaitAsync(TimeSpan.FromSeconds(30)), "HOCON");
        Assert.Equal(["party.hocon", "x.csv"], directory.FileNames());
    }

    [Fact]
    public void Missing_configuration() =>
        PartyFails(directory.WriteText("x.csv", "1\n"), ["--config", directory.File("absent.hocon")], "not found");

    [Fact]
    public void Key_file_that_is_not_a_key()
    {
        var key = directory.WriteText("key.json", "{\"format\": \"something else\"}");
        PartyFails(directory.WriteText("x.csv", "1\n"), ["--key", key], "key");
    }

    [Fact]
    public void Key_file_whose_factors_are_too_close()
    {
        // Two consecutive 1024-bit primes: each check of a key file passes but the distance of p and q.
        var p = new Org.BouncyCastle.Math.BigInteger(1024, new Org.BouncyCastle.Security.SecureRandom()).SetBit(1023).SetBit(1022).NextProbablePrime();
        var q = p.NextProbablePrime();
        var n = p.Multiply(q);
        var hs = n.Subtract(Org.BouncyCastle.Math.BigInteger.Four).ModPow(n, n.Multiply(n));
        var key = directory.WriteText("key.json", $$"""{"format": "duet-paillier-private-key", "bits": 2048, "p": "{{p.ToString(16)}}", "q": "{{q.ToString(16)}}", "hs": "{{hs.ToString(16)}}"}""");
        PartyFails(directory.WriteText("x.csv", "1\n"), ["--key", key], "too close");
    }

    [Theory]
    [InlineData("--key-bits", "1024", "1024")]
    [InlineData("--rows", "0", "positive")]
    [InlineData("--input-bits", "0", "input bits")]
    [InlineData("--frac-bits", "40", "fraction bits")]
    [InlineData("--scheme", "rsa", "paillier, bfv")]
    public void Bad_demo_options(string option, string value, string expected) =>
        CliCommandTests.AssertBadInput(CliRunner.Run("demo", option, value), expected);

    [Fact]
    public void Demo_with_a_ragged_matrix_file()
    {
        var x = directory.WriteText("x.csv", "1,2\n3\n");
        CliCommandTests.AssertBadInput(CliRunner.Run("demo", "--x", x), "x.csv");
    }

    [Fact]
    public void Demo_with_matrices_that_do_not_multiply()
    {
        var x = directory.WriteText("x.csv", "1,2\n3,4\n");
        var y = directory.WriteText("y.csv", "1,2,3\n");
        CliCommandTests.AssertBadInput(CliRunner.Run("demo", "--x", x, "--y", y), "inner dimensions");
    }

    [Fact]
    public void Keygen_of_an_unsupported_size()
    {
        var key = directory.File("key.json");
        CliCommandTests.AssertBadInput(CliRunner.Run("keygen", "--bits", "1024", "--out", key), "1024");
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void Reveal_of_a_missing_share()
    {
        var a = directory.WriteText("a.csv", "1\n");
        var output = directory.File("p.csv");
        CliCommandTests.AssertBadInput(CliRunner.Run("reveal", "--a", a, "--b", directory.File("b.csv"), "--out", output), "not found");
        Assert.Equal(["a.csv"], directory.FileNames());
    }

    [Fact]
    public void Reveal_of_real_shares()
    {
        var a = directory.WriteText("a.csv", "1.5\n");
        var b = directory.WriteText("b.csv", "1\n");
        CliCommandTests.AssertBadInput(CliRunner.Run("reveal", "--a", a, "--b", b, "--out", directory.File("p.csv"), "--unchecked"), "real");
    }

    /// <summary>A party on this input fails with one line naming the problem and leaves nothing but its inputs.</summary>
    private void PartyFails(string input, string[] options, string expected, string output = "share.npy")
    {
        var before = directory.FileNames();
        string[] endpoint = options.Contains("--listen") ? ["--insecure"] : ["--listen", "127.0.0.1:0", "--insecure"];
        string[] args = ["party", "--input", input, "--output", directory.File(output), .. endpoint, .. options];

        var outcome = CliRunner.Run(args);

        CliCommandTests.AssertBadInput(outcome, expected);
        Assert.Equal(before, directory.FileNames());
    }
}
