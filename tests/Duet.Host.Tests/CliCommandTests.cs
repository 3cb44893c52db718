using System.Numerics;
using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>keygen, reveal, inspect, the hocon examples and the exit codes: everything that needs no peer.</summary>
public sealed class CliCommandTests : IDisposable
{
    private static readonly BigInteger Ring = BigInteger.One << 64;
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Keygen_writes_a_private_key_only_its_owner_can_read()
    {
        var path = directory.File("key.json");

        var outcome = CliRunner.Run("keygen", "--bits", "2048", "--out", path);

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains("2048-bit", outcome.Out, StringComparison.Ordinal);
        using var key = PaillierPrivateKey.FromJson(File.ReadAllText(path));
        Assert.Equal(2048, key.PublicKey.Bits);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(["key.json"], directory.FileNames());
    }

    [Fact]
    public void Keygen_keeps_an_existing_key_unless_forced()
    {
        var path = directory.WriteText("key.json", "precious");

        var outcome = CliRunner.Run("keygen", "--bits", "2048", "--out", path);

        Assert.Equal(2, outcome.Code);
        Assert.Contains("--force", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("integer")]
    [InlineData("ring64")]
    public void Reveal_adds_the_shares_into_the_product(string domain)
    {
        var product = new Matrix<BigInteger>(3, 2, [0, -1, 5, 1L << 40, -(1L << 50), 123456789]);
        var (a, b) = Split(product, domain == "ring64" ? ShareDomain.Ring64 : ShareDomain.Integer, seed: 1);
        var output = directory.File("p.csv");

        var outcome = CliRunner.Run("reveal", "--a", a, "--b", b, "--out", output, "--share", domain, "--unchecked");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Equal(product.Data, MatrixFiles.ReadIntegers(output).Data);
    }

    [Fact]
    public void Reveal_with_fraction_bits_writes_reals()
    {
        // Products of two 8-fraction-bit operands carry 16 fraction bits.
        var product = new Matrix<BigInteger>(2, 2, [1 << 16, -(3 << 15), 1, 0]);
        var (a, b) = Split(product, ShareDomain.Ring64, seed: 2);
        var output = directory.File("p.npy");

        var outcome = CliRunner.Run("reveal", "--a", a, "--b", b, "--out", output, "--frac-bits", "16", "--unchecked");

        Assert.True(outcome.Code == 0, outcome.ToString());
        var file = MatrixFiles.Read(output);
        Assert.False(file.IsInteger);
        Assert.Equal([1.0, -1.5, 1.0 / 65536, 0.0], file.ToFloat64().Data);
    }

    [Fact]
    public void Reveal_of_shares_of_different_shapes_is_bad_input()
    {
        var a = directory.WriteText("a.csv", "1,2\n3,4\n");
        var b = directory.WriteText("b.csv", "1,2,3\n");
        var output = directory.File("p.csv");

        var outcome = CliRunner.Run("reveal", "--a", a, "--b", b, "--out", output, "--unchecked");

        AssertBadInput(outcome, "different shapes");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Inspect_describes_a_file()
    {
        var path = directory.File("m.npy");
        MatrixFiles.Write(path, new Matrix<ulong>(2, 3, [1, 2, 3, 4, 5, ulong.MaxValue]));

        var outcome = CliRunner.Run("inspect", path);

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains("shape:  2 x 3", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("dtype:  uint64", outcome.Out, StringComparison.Ordinal);
        Assert.Contains(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_succeeds_and_no_command_is_bad_input()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("party", help.Out, StringComparison.Ordinal);

        AssertBadInput(CliRunner.Run(), "no command given: one of demo, party, ");
    }

    [Theory]
    [InlineData("duet: unknown command 'parti'; did you mean 'party'?", "parti")]
    [InlineData("duet: unknown command 'certz'; did you mean 'certs'?", "certz", "--out", "a.pfx")]
    [InlineData("duet: unknown command 'multiply' (see 'duet --help')", "multiply")]
    [InlineData("duet: unknown option '--inptu' for 'duet party'; did you mean '--input'?", "party", "--inptu", "x.csv")]
    [InlineData("duet: unknown option '--rowz' for 'duet demo'; did you mean '--rows'?", "demo", "--rowz=3")]
    [InlineData("duet: unknown option '--colour' for 'duet demo' (see 'duet demo --help')", "demo", "--colour")]
    public void A_misspelt_command_or_option_is_bad_input_that_names_the_nearest(string expected, params string[] args)
    {
        var outcome = CliRunner.Run(args);

        AssertBadInput(outcome, expected);
        Assert.Equal(expected, outcome.ErrorLines[0]);
    }

    [Theory]
    [InlineData("party-a.hocon", OperandSide.Left, "a")]
    [InlineData("party-b.hocon", OperandSide.Right, "b")]
    public void The_example_configurations_read_as_party_settings(string file, OperandSide side, string name)
    {
        var path = Path.Combine(RepositoryRoot(), "hocon", file);
        var config = ConfigurationFactory.ParseString(File.ReadAllText(path));

        var settings = PartySettings.FromConfig(config);

        Assert.Equal(side, settings.Side);
        Assert.Equal(name, settings.Name);
        Assert.Equal(32, settings.InputBits);
        Assert.Equal(ShareDomain.Ring64, settings.Domain);
        Assert.Equal(Reveal.None, settings.Reveal);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Timeout);
        Assert.Equal(512L << 20, settings.TableMemoryBytes);
        Assert.Equal(262144, config.GetInt("duet.flow.block-bytes"));
        Assert.Equal((KeyForm.Standard, false), (settings.KeyForm, settings.AcceptFastKey));
        Assert.True(config.HasPath("duet.party.listen") || config.HasPath("duet.party.peer"));
        settings.Validate();
    }

    [Fact]
    public void The_readme_says_the_example_configurations_need_editing_and_stays_short()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllLines(Path.Combine(root, "README.md"));
        var examples = Directory.GetFiles(Path.Combine(root, "hocon"), "*.hocon");

        Assert.InRange(readme.Length, 1, 150);
        Assert.Contains(examples, f => File.ReadAllText(f).Contains("sha256:<", StringComparison.Ordinal) && File.ReadAllText(f).Contains(".pfx", StringComparison.Ordinal));
        Assert.Contains(readme, line => line.Contains("`hocon/*.hocon`", StringComparison.Ordinal) && line.Contains("placeholder pins", StringComparison.Ordinal)
            && line.Contains("edit them", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AbortReason.Incompatible, 2)]
    [InlineData(AbortReason.RoleConflict, 2)]
    [InlineData(AbortReason.FastKeyRefused, 2)]
    [InlineData(AbortReason.PeerLost, 1)]
    [InlineData(AbortReason.Timeout, 1)]
    [InlineData(AbortReason.InvalidCiphertext, 1)]
    public void Aborted_sessions_map_to_exit_codes(AbortReason reason, int code)
    {
        var (actual, message) = Cli.Describe(new SessionAbortedException(reason, "what happened", raisedByPeer: true));

        Assert.Equal(code, actual);
        Assert.StartsWith("session aborted (", message, StringComparison.Ordinal);
        Assert.Contains("what happened", message, StringComparison.Ordinal);
    }

    internal static void AssertBadInput(CliOutcome outcome, string expected)
    {
        Assert.True(outcome.Code == 2, outcome.ToString());
        var line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("duet: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Empty, outcome.Out);
    }

    internal static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Actors.sln")))
        {
            root = root.Parent ?? throw new DirectoryNotFoundException("Actors.sln is not above the test assembly.");
        }

        return root.FullName;
    }

    /// <summary>Two share files of the product as a party would write them: ring64 as uint64 .npy, integer as .csv.</summary>
    private (string A, string B) Split(Matrix<BigInteger> product, ShareDomain domain, int seed)
    {
        var random = new Random(seed);
        var a = product.Map(_ => new BigInteger(random.NextInt64()) << 30);
        var b = new Matrix<BigInteger>(product.Rows, product.Columns);
        for (var i = 0; i < b.Data.Length; i++)
        {
            b.Data[i] = product.Data[i] - a.Data[i];
        }

        if (domain == ShareDomain.Integer)
        {
            var (pathA, pathB) = (directory.File("a.csv"), directory.File("b.csv"));
            MatrixFiles.Write(pathA, a);
            MatrixFiles.Write(pathB, b);
            return (pathA, pathB);
        }

        var (ringA, ringB) = (directory.File("a.npy"), directory.File("b.npy"));
        MatrixFiles.Write(ringA, a.Map(x => (ulong)(((x % Ring) + Ring) % Ring)));
        MatrixFiles.Write(ringB, b.Map(x => (ulong)(((x % Ring) + Ring) % Ring)));
        return (ringA, ringB);
    }
}
