using System.Diagnostics;
using System.Text.Json;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Duet.Links;

namespace Duet.Host.Tests;

/// <summary>A fact that needs the link emulator: skipped, saying why, where network namespaces cannot be made.</summary>
public sealed class LinkTheoryAttribute : TheoryAttribute
{
    public LinkTheoryAttribute()
    {
        if (LinkEmulator.Unavailable() is { } reason)
        {
            Skip = $"needs the link emulator (root and network namespaces): {reason}";
        }
    }
}

/// <summary>
/// Two <c>duet party</c> processes with mutual TLS in network namespaces of their own, across an emulated metro link
/// (1 Gbit/s, 5 ms round trip) that is cut mid-run: a cut shorter than <c>duet.session.timeout</c> costs time and
/// both shares are exact; a longer one ends both runs with exit 1 and one line each, their journals kept, and
/// <c>--resume</c> once the link is back completes the exact product.
/// </summary>
public sealed class CliLinkTests : IDisposable
{
    private const int Port = 25520;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(150);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [LinkTheory]
    [InlineData("bfv")]
    [InlineData("paillier")]
    public async Task A_cut_shorter_than_the_session_timeout_costs_time_not_the_run(string scheme)
    {
        var (x, y) = Prepare(scheme, timeout: "60s");
        using var link = LinkEmulator.Create(LinkProfile.Metro);
        var (a, b) = await StartAndCutMidRun(link);
        using (a)
        using (b)
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.False(a.Exited.IsCompleted || b.Exited.IsCompleted, "a party ended while the link was cut: " + a.ErrorSoFar + b.ErrorSoFar);
            link.Restore();

            var (outcomeA, outcomeB) = (await a.WaitAsync(RunTimeout), await b.WaitAsync(RunTimeout));
            Assert.True(outcomeA.Code == 0 && outcomeB.Code == 0, outcomeA.ToString() + outcomeB.ToString());
            AssertExact(x, y);
        }
    }

    [LinkTheory]
    [InlineData("bfv")]
    [InlineData("paillier")]
    public async Task A_cut_longer_than_the_session_timeout_ends_both_runs_and_a_resume_completes_them(string scheme)
    {
        var (x, y) = Prepare(scheme, timeout: "5s");
        using var link = LinkEmulator.Create(LinkProfile.Metro);
        var (a, b) = await StartAndCutMidRun(link);
        using (a)
        using (b)
        {
            var (outcomeA, outcomeB) = (await a.WaitAsync(RunTimeout), await b.WaitAsync(RunTimeout));
            foreach (var outcome in new[] { outcomeA, outcomeB })
            {
                Assert.True(outcome.Code == 1, outcome.ToString());
                Assert.Contains("session aborted (timeout)", Assert.Single(outcome.FailureLines), StringComparison.Ordinal);
            }

            Assert.True(File.Exists(directory.File("a.npy.duet-journal")) && File.Exists(directory.File("b.csv.duet-journal")), string.Join(", ", directory.FileNames()));
        }

        link.Restore();
        var (resumedA, resumedB) = StartBoth(link, "--resume");
        using (resumedA)
        using (resumedB)
        {
            var (outcomeA, outcomeB) = (await resumedA.WaitAsync(RunTimeout), await resumedB.WaitAsync(RunTimeout));
            Assert.True(outcomeA.Code == 0 && outcomeB.Code == 0, outcomeA.ToString() + outcomeB.ToString());
            Assert.Contains("resumed", outcomeA.Out, StringComparison.Ordinal);
            AssertExact(x, y);
        }
    }

    /// <summary>Inputs, certificates and configuration; BFV: 20000x64 by 64x16, Paillier: 3000x100 by 100x2 (some seconds each).</summary>
    private (Matrix<long> X, Matrix<long> Y) Prepare(string scheme, string timeout)
    {
        var (x, y) = scheme == "bfv"
            ? (CliRunner.RandomIntegers(20000, 64, 1000, 3), CliRunner.RandomIntegers(64, 16, 1000, 4))
            : (CliRunner.RandomIntegers(3000, 100, 1000, 3), CliRunner.RandomIntegers(100, 2, 1000, 4));
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        var common = $"duet.session.key-bits = 2048\nduet.session.scheme = {scheme}\nduet.session.timeout = {timeout}\n";
        directory.WriteText("a.hocon", $"{common}akka.remote.dot-netty.tcp.public-hostname = \"{LinkEmulator.PublicAddressOfA}\"\n");
        directory.WriteText("b.hocon", common);
        foreach (var name in new[] { "a", "b" })
        {
            var made = CliRunner.Run("certs", "--name", name, "--out", directory.File($"{name}.pfx"), "--force");
            Assert.True(made.Code == 0, made.ToString());
            directory.WriteText($"{name}.pin", made.OutLines[^1]);
        }

        return (x, y);
    }

    // Both parties across the link, which goes down once A has evaluated its first tiles and not all of them.
    private async Task<(DuetProcess A, DuetProcess B)> StartAndCutMidRun(LinkEmulator link)
    {
        link.Forward(Port);
        var (a, b) = StartBoth(link);
        try
        {
            await WaitForFirstTiles(a);
        }
        catch
        {
            a.Dispose();
            b.Dispose();
            throw;
        }

        link.Cut();
        return (a, b);
    }

    private (DuetProcess A, DuetProcess B) StartBoth(LinkEmulator link, params string[] more)
    {
        var pin = (string name) => File.ReadAllText(directory.File($"{name}.pin")).Trim();
        var a = DuetProcess.StartIn(link.In('a'), directory.Path, ["party", "--config", directory.File("a.hocon"), "--side", "left", "--listen", $"0.0.0.0:{Port}",
            "--input", directory.File("x.npy"), "--output", directory.File("a.npy"), "--input-bits", "16", "--name", "a", "--status-file", directory.File("a.status.json"),
            "--cert", directory.File("a.pfx"), "--pin", pin("b"), .. more]);
        var b = DuetProcess.StartIn(link.In('b'), directory.Path, ["party", "--config", directory.File("b.hocon"), "--side", "right", "--peer", $"{LinkEmulator.PublicAddressOfA}:{Port}",
            "--input", directory.File("y.csv"), "--output", directory.File("b.csv"), "--input-bits", "16", "--name", "b",
            "--cert", directory.File("b.pfx"), "--pin", pin("a"), .. more]);
        return (a, b);
    }

    // Once A's status shows its first tiles evaluated and not all of them: the cut lands mid-run.
    private async Task WaitForFirstTiles(DuetProcess a)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RunTimeout && !a.Exited.IsCompleted)
        {
            try
            {
                using var status = JsonDocument.Parse(File.ReadAllText(directory.File("a.status.json")));
                if (status.RootElement.GetProperty("phases").TryGetProperty("evaluate", out var evaluate)
                    && evaluate.GetProperty("done").GetInt64() is > 0 and var done && done < evaluate.GetProperty("total").GetInt64())
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
            {
                // Not written yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"A never showed its first tiles evaluated: {a.ErrorSoFar}");
    }

    private void AssertExact(Matrix<long> x, Matrix<long> y)
    {
        var shares = Shares.Reconstruct(MatrixFiles.ReadIntegers(directory.File("a.npy")), MatrixFiles.ReadIntegers(directory.File("b.csv")), ShareDomain.Ring64);
        Assert.Equal(Shares.Product(x, y).Data, shares.Data);
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".duet-journal", StringComparison.Ordinal) || name.Contains(".duet-partial", StringComparison.Ordinal));
    }
}
