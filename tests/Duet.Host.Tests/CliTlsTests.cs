using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Duet.Actors;
using Duet.Host.Networking;

namespace Duet.Host.Tests;

/// <summary><c>duet certs</c> and the TLS options of <c>duet party</c>, run as a user would.</summary>
public sealed class CliTlsTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A refused certificate ends the caller well before the session's 60 s timeout (process start included).</summary>
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(20);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    /// <summary>Runs <c>duet certs</c> for NAME into NAME.pfx and returns the fingerprint it printed.</summary>
    internal static string MakeCertificate(FilesTestDirectory directory, string name)
    {
        var outcome = CliRunner.Run("certs", "--name", name, "--out", directory.File($"{name}.pfx"));
        Assert.True(outcome.Code == 0, outcome.ToString());
        return outcome.OutLines[^1];
    }

    /// <summary>Certificates a, b and a stranger's c, A's and B's operands, and a free port for A.</summary>
    private (string PinA, string PinB, string Stranger, string X, string Y, int Port) TwoPartiesAndAStranger() => (
        MakeCertificate(directory, "a"),
        MakeCertificate(directory, "b"),
        MakeCertificate(directory, "c"),
        directory.WriteText("x.csv", "1,2\n3,4\n"),
        directory.WriteText("y.csv", "1\n2\n"),
        CliRunner.FreePort());

    [Fact]
    public void Certs_writes_an_owner_only_pkcs12_file_and_prints_its_sha256_fingerprint_last()
    {
        var fingerprint = MakeCertificate(directory, "bank-a");

        Assert.Matches("^sha256:[0-9a-f]{64}$", fingerprint);
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(directory.File("bank-a.pfx"), null);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=bank-a", certificate.Subject);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), fingerprint);
        Assert.InRange((certificate.NotAfter - DateTime.Now).TotalDays, 363, 366);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(directory.File("bank-a.pfx")));
        }

        var again = CliRunner.Run("certs", "--name", "bank-a", "--out", directory.File("bank-a.pfx"));
        CliCommandTests.AssertBadInput(again, "--force");
        CliCommandTests.AssertBadInput(CliRunner.Run("certs", "--name", "x", "--out", directory.File("x.pfx"), "--days", "0"), "--days");
        Assert.Equal(["bank-a.pfx"], directory.FileNames());
    }

    [Fact]
    public void Party_without_a_certificate_says_how_to_make_one()
    {
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"), "--listen", "127.0.0.1:0");

        CliCommandTests.AssertBadInput(outcome, "duet certs");
        Assert.Equal(["x.csv"], directory.FileNames());
    }

    [Fact]
    public void Insecure_is_refused_off_loopback()
    {
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"), "--listen", "127.0.0.1:0", "--peer", "192.0.2.7:25520", "--insecure");

        CliCommandTests.AssertBadInput(outcome, "192.0.2.7 is not a loopback address");
        Assert.Equal(["x.csv"], directory.FileNames());
    }

    [Fact]
    public void A_pin_that_is_not_a_sha256_fingerprint_is_bad_input()
    {
        MakeCertificate(directory, "a");
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"), "--listen", "127.0.0.1:0", "--cert", directory.File("a.pfx"), "--pin", "0123abcd");

        CliCommandTests.AssertBadInput(outcome, "SHA-256 fingerprint");
    }

    [Fact]
    public void Certs_for_a_worker_node_says_its_own_party_pins_it_never_the_peer()
    {
        var outcome = CliRunner.Run("certs", "--name", "a1", "--out", directory.File("a1.pfx"), "--node");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains("put this fingerprint in its own party's duet.tls.party-pins (--party-pin", outcome.OutLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("give the peer", outcome.Out, StringComparison.Ordinal);
        Assert.Matches("^sha256:[0-9a-f]{64}$", outcome.OutLines[^1]);
    }

    [Fact]
    public void A_party_pin_that_is_not_a_sha256_fingerprint_is_bad_input_as_a_pin_is()
    {
        var pin = MakeCertificate(directory, "a");
        var input = directory.WriteText("x.csv", "1\n");
        var outcome = CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"), "--listen", "127.0.0.1:0", "--cert", directory.File("a.pfx"), "--pin", pin, "--party-pin", "0123abcd");

        CliCommandTests.AssertBadInput(outcome, "party pin '0123abcd' is not a SHA-256 fingerprint");
        CliCommandTests.AssertBadInput(
            CliRunner.Run("party", "--input", input, "--output", directory.File("s.npy"), "--listen", "127.0.0.1:0", "--insecure", "--party-pin", pin), "--party-pin");
    }

    [Fact]
    public void Party_pins_from_the_option_replace_those_of_the_configuration()
    {
        var (peer, fromFile, fromOption) = (MakeCertificate(directory, "b"), MakeCertificate(directory, "a1"), MakeCertificate(directory, "a2"));
        MakeCertificate(directory, "a0");
        var file = ConfigurationFactory.ParseString($"duet.tls.party-pins = [\"{fromFile}\"]");
        var endpoint = new PartyEndpoint("127.0.0.1", 0);

        var configured = LinkSecurity.Secure(endpoint, file, null, directory.File("a0.pfx"), [peer], [], insecure: false).Tls!;
        var overridden = LinkSecurity.Secure(endpoint, file, null, directory.File("a0.pfx"), [peer], [fromOption, fromOption], insecure: false).Tls!;

        Assert.Equal([fromFile], configured.PartyPins);
        Assert.Equal([fromOption], overridden.PartyPins);
        Assert.Equal([peer], overridden.PeerPins);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_caller_pinning_another_fingerprint_exits_1_naming_what_it_saw_and_nobody_writes(bool verbose)
    {
        var (pinA, pinB, stranger, x, y, port) = TwoPartiesAndAStranger();

        using var a = DuetProcess.Start(directory.Path, "party", "--input", x, "--output", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--cert", "a.pfx", "--pin", pinB);
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        string[] caller = ["party", "--input", y, "--output", "b.npy", "--peer", $"127.0.0.1:{port}", "--side", "right", "--cert", "b.pfx", "--pin", stranger];
        using var b = DuetProcess.Start(directory.Path, verbose ? [.. caller, "--verbose"] : caller);
        var outcome = await b.WaitAsync(RefusalTimeout);

        Assert.True(outcome.Code == 1, outcome.ToString());
        var line = Assert.Single(outcome.FailureLines);
        Assert.StartsWith("duet: TLS: refused the TLS link with ", line, StringComparison.Ordinal);
        Assert.Contains($"{port}", line, StringComparison.Ordinal);
        Assert.Contains($"its certificate {pinA} is not pinned", line, StringComparison.Ordinal);
        if (verbose)
        {
            // --verbose: Akka's own lines on stderr, and no log file to name.
            Assert.Contains(outcome.ErrorLines, l => l.StartsWith("[akka] ", StringComparison.Ordinal));
            Assert.DoesNotContain("(Akka's log: ", line, StringComparison.Ordinal);
        }
        else
        {
            // Akka's own errors about the refused link go to its log file, which the one line names, not to the screen.
            Assert.DoesNotContain(outcome.ErrorLines, l => l.StartsWith("[akka", StringComparison.Ordinal));
            var log = line[(line.LastIndexOf("(Akka's log: ", StringComparison.Ordinal) + 13)..^1];
            Assert.Contains("[error]", File.ReadAllText(log), StringComparison.Ordinal);
            File.Delete(log);
        }

        Assert.Equal(string.Empty, outcome.Out);
        Assert.False(a.Exited.IsCompleted);
        Assert.Equal(["a.pfx", "b.pfx", "c.pfx", "x.csv", "y.csv"], directory.FileNames());
    }

    [Fact]
    public async Task A_listener_that_does_not_pin_the_caller_says_so_at_once_and_the_caller_exits_1_naming_its_own_certificate()
    {
        var (pinA, pinB, stranger, x, y, port) = TwoPartiesAndAStranger();

        // A pins a stranger instead of B; B pins A.
        using var a = DuetProcess.Start(directory.Path, "party", "--input", x, "--output", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--cert", "a.pfx", "--pin", stranger, "--log", "a.log");
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, "party", "--input", y, "--output", "b.npy", "--peer", $"127.0.0.1:{port}", "--side", "right", "--cert", "b.pfx", "--pin", pinA, "--log", "b.log");
        var outcome = await b.WaitAsync(RefusalTimeout);

        Assert.True(outcome.Code == 1, outcome.ToString());
        var line = Assert.Single(outcome.FailureLines);
        Assert.StartsWith($"duet: TLS: the peer at 127.0.0.1:{port} refused this party's certificate ({pinB}; it says: its certificate {pinB} is not pinned)", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Out);

        // The listener says it too, and keeps waiting for its peer.
        await a.WaitForErrorAsync("duet: warning: refused a connection from 127.0.0.1:", RefusalTimeout);
        Assert.Contains(a.ErrorSoFar.Split('\n'), l => l.StartsWith("duet: warning: refused a connection from 127.0.0.1:", StringComparison.Ordinal) && l.TrimEnd().EndsWith($": its certificate {pinB} is not pinned", StringComparison.Ordinal));
        Assert.False(a.Exited.IsCompleted);
        Assert.DoesNotContain(directory.FileNames(), f => f.EndsWith(".npy", StringComparison.Ordinal));
    }
}
