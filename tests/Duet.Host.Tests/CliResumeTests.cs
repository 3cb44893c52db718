using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>
/// <c>duet party --resume</c>: a streamed run whose party is killed at about half way keeps a journal (mode 0600) and a
/// partial share on both sides; rerun with <c>--resume</c>, both skip the tiles both committed, compute only the
/// others, and end with shares of the exact product, the journals gone. A changed input is refused locally; a flipped
/// byte in a committed band of the partial share (created 0600) is refused after the handshake.
/// </summary>
public sealed partial class CliResumeTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("a", "paillier")]
    [InlineData("b", "paillier")]
    [InlineData("a", "bfv")]
    [InlineData("b", "bfv")]
    public async Task A_run_killed_at_half_way_resumes_to_the_exact_product_computing_only_what_is_left(string victim, string scheme)
    {
        // A evaluates tiles of some seconds in all, so a kill at half way lands mid-run.
        var (x, y) = Operands(scheme, seed: 5);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        directory.WriteText("k.hocon", $"duet.session.key-bits = 2048\nduet.session.scheme = {scheme}\n");

        var (first, _) = await RunBoth(victim, 2);
        Assert.True(first.Code == 1, first.ToString());
        Assert.Contains(first.ErrorLines, line => line.StartsWith("duet: note: ", StringComparison.Ordinal) && line.Contains(".duet-journal keeps ", StringComparison.Ordinal));
        foreach (var journal in new[] { "a.npy.duet-journal", "b.csv.duet-journal" })
        {
            Assert.True(File.Exists(directory.File(journal)), journal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(directory.File(journal)));
            }
        }

        Assert.DoesNotContain(directory.FileNames(), name => name is "a.npy" or "b.csv");

        // Refused locally: a fresh run over a kept journal, and a resume with another input.
        var fresh = CliRunner.Run(Party("y.csv", "b.csv", "--peer", "127.0.0.1:9", "--side", "right"));
        Assert.True(fresh.Code == 2, fresh.ToString());
        Assert.Contains("holds an interrupted run: add --resume", Assert.Single(fresh.FailureLines), StringComparison.Ordinal);
        MatrixFiles.Write(directory.File("y2.csv"), CliRunner.RandomIntegers(y.Rows, y.Columns, 1000, seed: 7));
        var changed = CliRunner.Run(Party("y2.csv", "b.csv", "--peer", "127.0.0.1:9", "--side", "right", "--resume"));
        Assert.True(changed.Code == 2, changed.ToString());
        Assert.Contains("this --input is not the one the interrupted run used", Assert.Single(changed.FailureLines), StringComparison.Ordinal);

        // Refused after the handshake, on both sides: a byte of a committed band (tile 0's first entry) flipped in A's
        // partial share (mode 0600, like the journal). The journals stay; with the byte restored the resume goes on.
        var partial = directory.File("a.npy.duet-partial");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(partial));
        }

        var entry = Array.IndexOf(File.ReadAllBytes(partial), (byte)'\n') + 1;
        FlipByte(partial, entry);
        var (damagedA, damagedB) = await RunBoth(null, 2, "--resume");
        Assert.True(damagedA.Code == 2 && damagedB.Code == 2, damagedA.ToString() + damagedB.ToString());
        Assert.Contains("partial share is not what its journal committed in tile 0", Assert.Single(damagedA.FailureLines), StringComparison.Ordinal);
        Assert.Contains("resume mismatch, reported by the peer", Assert.Single(damagedB.FailureLines), StringComparison.Ordinal);
        FlipByte(partial, entry);

        var (a, b) = await RunBoth(null, 2, "--resume");
        Assert.True(a.Code == 0 && b.Code == 0, a.ToString() + b.ToString());
        var (tiles, resumedA, computedA) = Resumed(a);
        var (_, resumedB, computedB) = Resumed(b);
        Assert.Equal(resumedA, resumedB);
        Assert.InRange(resumedA, 1, tiles - 1);
        Assert.Equal(tiles - resumedA, computedA);
        Assert.Equal(tiles - resumedB, computedB);

        // The resumed run's status counts the resumed rows as done.
        using (var status = JsonDocument.Parse(File.ReadAllText(directory.File("a.status.json"))))
        {
            Assert.Equal("succeeded", status.RootElement.GetProperty("state").GetString());
            Assert.Equal(x.Rows, status.RootElement.GetProperty("rows_done").GetInt64());
        }

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.csv"), "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(Shares.Product(x, y).Data, MatrixFiles.ReadIntegers(directory.File("p.npy")).Data.Select(v => (BigInteger)v));
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".duet-journal", StringComparison.Ordinal) || name.Contains(".duet-partial", StringComparison.Ordinal) || name.Contains(".tmp-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("paillier")]
    [InlineData("bfv")]
    public async Task A_run_revealing_the_product_resumes_to_the_exact_product_files(string scheme)
    {
        // The encryptor is killed a quarter of the way (the status file is written once a second, and a kill that lands
        // after the evaluator has begun revealing leaves a run that cannot resume, docs/limits.md); the resumed run
        // computes the rest, then reveals both shares as streamed.
        var (x, y) = Operands(scheme, seed: 8);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        directory.WriteText("k.hocon", $"duet.session.key-bits = 2048\nduet.session.scheme = {scheme}\n");

        var (first, _) = await RunBoth("b", 4, "--reveal", "both");
        Assert.True(first.Code == 1, first.ToString());
        Assert.True(File.Exists(directory.File("a.npy.duet-journal")) && File.Exists(directory.File("b.csv.duet-journal")), string.Join(", ", directory.FileNames()));

        var (a, b) = await RunBoth(null, 2, "--reveal", "both", "--resume");
        Assert.True(a.Code == 0 && b.Code == 0, a.ToString() + b.ToString());
        var (tiles, resumed, computed) = Resumed(a);
        Assert.InRange(resumed, 1, tiles - 1);
        Assert.Equal(tiles - resumed, computed);
        Assert.Equal(resumed, Resumed(b).Resumed);

        // Both parties hold the exact product, and their shares add up to it.
        var product = Shares.Product(x, y);
        foreach (var file in new[] { "a.product.npy", "b.product.csv" })
        {
            Assert.Equal(product.Data, MatrixFiles.ReadIntegers(directory.File(file)).Data);
        }

        Assert.Equal(product.Data, Shares.Reconstruct(MatrixFiles.ReadIntegers(directory.File("a.npy")), MatrixFiles.ReadIntegers(directory.File("b.csv")), ShareDomain.Ring64).Data);
        Assert.DoesNotContain(directory.FileNames(), name => name.Contains(".duet-journal", StringComparison.Ordinal) || name.Contains(".duet-partial", StringComparison.Ordinal) || name.Contains(".tmp-", StringComparison.Ordinal));
    }

    /// <summary>Both parties; with <paramref name="victim"/> that one is killed once A's status shows 1/<paramref name="part"/>
    /// of the tiles evaluated (half unless said), and the other's outcome is returned first.</summary>
    private async Task<(CliOutcome Survivor, CliOutcome Other)> RunBoth(string? victim, int part, params string[] more)
    {
        var port = CliRunner.FreePort();
        using var a = DuetProcess.Start(directory.Path, Party("x.npy", "a.npy", ["--listen", $"127.0.0.1:{port}", "--side", "left", "--name", "a", "--status-file", "a.status.json", .. more]));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        using var b = DuetProcess.Start(directory.Path, Party("y.csv", "b.csv", ["--peer", $"127.0.0.1:{port}", "--side", "right", "--name", "b", .. more]));
        if (victim is null)
        {
            var outcomeB = await b.WaitAsync(RunTimeout);
            return (await a.WaitAsync(RunTimeout), outcomeB);
        }

        await WaitForEvaluated(a, part);
        var (killed, survivor) = victim == "a" ? (a, b) : (b, a);
        killed.Kill();
        return (await survivor.WaitAsync(RunTimeout), await killed.WaitAsync(RunTimeout));
    }

    private async Task WaitForEvaluated(DuetProcess a, int part)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < RunTimeout)
        {
            try
            {
                using var status = JsonDocument.Parse(File.ReadAllText(directory.File("a.status.json")));
                if (status.RootElement.GetProperty("phases").TryGetProperty("evaluate", out var evaluate)
                    && evaluate.GetProperty("done").GetInt64() * part >= evaluate.GetProperty("total").GetInt64())
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // Not written yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"A never evaluated 1/{part} of its tiles: {a.ErrorSoFar}");
    }

    /// <summary>Paillier: 3000x100 by 100x2, 38 tiles; BFV: 20000x64 by 64x16, 20 tiles of 1000 rows; some seconds each.</summary>
    private static (Matrix<long> X, Matrix<long> Y) Operands(string scheme, int seed) => scheme == "bfv"
        ? (CliRunner.RandomIntegers(20000, 64, 1000, seed), CliRunner.RandomIntegers(64, 16, 1000, seed + 1))
        : (CliRunner.RandomIntegers(3000, 100, 1000, seed), CliRunner.RandomIntegers(100, 2, 1000, seed + 1));

    private static void FlipByte(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0x01;
        RandomAccess.Write(file, one, offset);
    }

    /// <summary>The plan's result tiles, the tiles resumed and those computed now, from a resumed run's summary line.</summary>
    private static (long Tiles, long Resumed, long Computed) Resumed(CliOutcome outcome)
    {
        var match = SummaryTiles().Match(outcome.OutLines[^1]);
        Assert.True(match.Success, outcome.ToString());
        return (long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private string[] Party(string input, string output, params string[] more) =>
        ["party", "--config", directory.File("k.hocon"), "--input", directory.File(input), "--output", directory.File(output), "--input-bits", "16", "--insecure", .. more];

    [GeneratedRegex("result in ([0-9]+) tiles?, resumed ([0-9]+) tiles? \\(([0-9]+) tiles? computed now\\)")]
    private static partial Regex SummaryTiles();
}
