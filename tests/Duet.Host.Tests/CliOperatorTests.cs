using System.Net;
using System.Net.Sockets;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>
/// The traps of an operator's first hour (issue 14), each run as a user would: real <c>duet party</c> processes with
/// stderr redirected (not a terminal), their exit codes, their stdout and stderr lines, and the files left behind.
/// </summary>
public sealed class CliOperatorTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_listener_whose_peer_never_comes_says_it_waits_and_gives_up_after_the_peer_wait()
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        var config = directory.WriteText("wait.hocon", "duet.session.peer-wait = 2s");

        using var party = DuetProcess.Start(
            directory.Path, "party", "--config", config, "--input", x, "--output", "a.npy", "--listen", $"127.0.0.1:{CliRunner.FreePort()}", "--insecure");
        var outcome = await party.WaitAsync(RunTimeout);

        Assert.True(outcome.Code == 1, outcome.ToString());
        Assert.Contains(outcome.ErrorLines, l => l.StartsWith("[left] left operand", StringComparison.Ordinal) && l.Contains("waiting for the peer", StringComparison.Ordinal));
        var line = Assert.Single(outcome.FailureLines);
        Assert.Contains("no peer called within 2 s (duet.session.peer-wait", line, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.ErrorLines, l => l.StartsWith("[akka", StringComparison.Ordinal));
        Assert.Equal(string.Empty, outcome.Out);
        Assert.Equal(["wait.hocon", "x.csv"], directory.FileNames());
    }

    [Fact]
    public void A_port_already_in_use_is_refused_at_the_start()
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var outcome = CliRunner.Run("party", "--input", x, "--output", directory.File("a.npy"), "--listen", $"127.0.0.1:{port}", "--insecure");

        CliCommandTests.AssertBadInput(outcome, $"--listen 127.0.0.1:{port}: the port is in use");
        Assert.Equal(["x.csv"], directory.FileNames());
    }

    [Fact]
    public void A_wildcard_listen_address_without_a_public_hostname_is_refused_naming_the_key()
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        var outcome = CliRunner.Run("party", "--input", x, "--output", directory.File("a.npy"), "--listen", "0.0.0.0:25520", "--insecure");

        CliCommandTests.AssertBadInput(outcome, "set akka.remote.dot-netty.tcp.public-hostname");
    }

    [Theory]
    [InlineData("--output")]
    [InlineData("--product")]
    public void An_output_in_a_directory_that_cannot_be_written_is_refused_before_the_work(string option)
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        var unwritable = Path.Combine(UnwritableDirectory(directory), "out.csv");
        string[] outputs = option == "--output" ? ["--output", unwritable] : ["--output", directory.File("a.csv"), "--product", unwritable, "--reveal", "left"];

        var outcome = CliRunner.Run(["party", "--input", x, .. outputs, "--listen", $"127.0.0.1:{CliRunner.FreePort()}", "--insecure"]);

        CliCommandTests.AssertBadInput(outcome, $"{option} {unwritable}: cannot write in directory");
        Assert.DoesNotContain("duet-probe", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(["x.csv"], directory.FileNames().Where(name => name != "read-only"));
    }

    [Fact]
    public async Task A_party_that_cannot_write_at_the_end_aborts_both_and_nobody_keeps_a_result()
    {
        MatrixFiles.Write(directory.File("x.npy"), CliRunner.RandomIntegers(120, 40, 1000, seed: 3));
        MatrixFiles.Write(directory.File("y.npy"), CliRunner.RandomIntegers(40, 20, 1000, seed: 4));
        Assert.Equal(0, CliRunner.Run("keygen", "--bits", "2048", "--out", directory.File("key.json")).Code);
        var gone = Directory.CreateDirectory(directory.File("out")).FullName;
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, "party", "--input", "x.npy", "--output", "out/a.npy", "--listen", $"127.0.0.1:{port}", "--name", "a", "--insecure");
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, "party", "--input", "y.npy", "--output", "b.npy", "--peer", $"127.0.0.1:{port}", "--name", "b", "--side", "right", "--key", "key.json", "--insecure");

        // A's output directory passed the probe at the start and disappears while the parties work (with the
        // partial share A streams its share into).
        await b.WaitForErrorAsync("[b] encrypt", RunTimeout);
        Assert.Contains(Directory.GetFiles(gone), name => Path.GetFileName(name) == "a.npy.duet-partial");
        Directory.Delete(gone, recursive: true);
        var (outcomeA, outcomeB) = (await a.WaitAsync(RunTimeout), await b.WaitAsync(RunTimeout));

        Assert.True(outcomeA.Code == 1, outcomeA.ToString());
        var line = Assert.Single(outcomeA.FailureLines);
        Assert.StartsWith("duet: out/a.npy: directory ", line, StringComparison.Ordinal);
        Assert.Contains(" does not exist", line, StringComparison.Ordinal);
        Assert.True(outcomeB.Code == 1, outcomeB.ToString());
        Assert.Contains("its outputs could not be written, so neither party keeps a result", Assert.Single(outcomeB.FailureLines), StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcomeA.Out + outcomeB.Out);
        // B keeps its journal and partial share when A's abort reached it before B began to write its share file.
        AssertOnlyResumableBeside(["key.json", "x.npy", "y.npy"], "b.npy");
    }

    /// <summary>The directory holds the expected files and, beside each output, at most its journal with its partial
    /// share (both or neither: what an interrupted streamed run keeps for --resume).</summary>
    private void AssertOnlyResumableBeside(string[] expected, params string[] outputs)
    {
        var names = directory.FileNames();
        var resumable = outputs.SelectMany(o => new[] { o + ".duet-journal", o + ".duet-partial" }).ToArray();
        Assert.Equal(expected, names.Except(resumable));
        Assert.All(outputs, o => Assert.Equal(names.Contains(o + ".duet-journal"), names.Contains(o + ".duet-partial")));
    }

    /// <summary>A directory this process cannot create files in: read-only for a normal user; for root, which
    /// ignores permissions, a directory of /proc.</summary>
    internal static string UnwritableDirectory(FilesTestDirectory directory)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            return "/proc/self";
        }

        var path = directory.File("read-only");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task A_misspelled_key_stops_the_party_before_it_listens()
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        var config = directory.WriteText("party.hocon", "duet {\n  party {\n    sied = right\n  }\n}\n");

        using var party = DuetProcess.Start(directory.Path, "party", "--config", config, "--input", x, "--output", "a.npy", "--listen", "127.0.0.1:0", "--insecure");

        CliCommandTests.AssertBadInput(await party.WaitAsync(RunTimeout), "unknown key duet.party.sied (did you mean duet.party.side?)");
        Assert.Equal(["party.hocon", "x.csv"], directory.FileNames());
    }

    [Fact]
    public async Task Sigterm_while_waiting_exits_143_and_writes_nothing()
    {
        var x = directory.WriteText("x.csv", "1,2\n");
        using var party = DuetProcess.Start(directory.Path, "party", "--input", x, "--output", "a.npy", "--listen", $"127.0.0.1:{CliRunner.FreePort()}", "--insecure");
        await party.WaitForErrorAsync("waiting for the peer", RunTimeout);

        party.Signal("TERM");
        var outcome = await party.WaitAsync(RunTimeout);

        Assert.True(outcome.Code == 143, outcome.ToString());
        Assert.StartsWith("duet: interrupted by SIGTERM", Assert.Single(outcome.FailureLines), StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Out);
        Assert.Equal(["x.csv"], directory.FileNames());
    }

    [Fact]
    public async Task Ctrl_c_mid_session_tells_the_peer_at_once_and_neither_writes()
    {
        // Large enough to run for many seconds, so the interrupt lands while the parties stream.
        MatrixFiles.Write(directory.File("x.npy"), CliRunner.RandomIntegers(400, 60, 1000, seed: 1));
        MatrixFiles.Write(directory.File("y.npy"), CliRunner.RandomIntegers(60, 40, 1000, seed: 2));
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, "party", "--input", "x.npy", "--output", "a.npy", "--listen", $"127.0.0.1:{port}", "--name", "a", "--insecure");
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, "party", "--input", "y.npy", "--output", "b.npy", "--peer", $"127.0.0.1:{port}", "--name", "b", "--side", "right", "--insecure");
        await b.WaitForErrorAsync("[b] encrypt", RunTimeout);

        b.Signal("INT");
        var outcomeB = await b.WaitAsync(RunTimeout);
        var started = DateTime.UtcNow;
        var outcomeA = await a.WaitAsync(RunTimeout);

        Assert.True(outcomeB.Code == 130, outcomeB.ToString());
        Assert.StartsWith("duet: interrupted by SIGINT", Assert.Single(outcomeB.FailureLines), StringComparison.Ordinal);
        Assert.True(outcomeA.Code == 1, outcomeA.ToString());
        Assert.StartsWith("duet: the peer cancelled the session", Assert.Single(outcomeA.FailureLines), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"the peer took {DateTime.UtcNow - started} to stop");
        Assert.Equal(string.Empty, outcomeA.Out + outcomeB.Out);

        // No share file; the streamed run's journals stay for a resume (a stop for a reboot is one).
        AssertOnlyResumableBeside(["x.npy", "y.npy"], "a.npy", "b.npy");
        Assert.Contains("b.npy.duet-journal", directory.FileNames());
    }
}
