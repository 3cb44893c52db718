using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>
/// A party that is a cluster, as an operator deploys it: <c>duet party</c> with <c>duet.cluster.enabled</c> and a
/// <c>duet node</c> process, each with its own certificate, the nodes pinning each other over mutual TLS and the
/// session node pinning the peer. The node is attested, gets the set-up, and computes tiles; Ctrl+C makes it leave.
/// </summary>
public sealed partial class CliClusterTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);
    private readonly FilesTestDirectory directory = new();

    private readonly List<DuetProcess> processes = [];

    public void Dispose()
    {
        processes.ForEach(p => p.Dispose());
        directory.Dispose();
    }

    [Theory]
    [InlineData("paillier")]
    [InlineData("bfv")]
    public async Task A_session_node_and_a_duet_node_over_mutual_TLS_share_the_tiles_and_the_product_is_exact(string scheme)
    {
        // Enough result tiles for a node that joined before the session to pull some.
        var (x, y, a, node, b) = await StartParties(scheme, scheme == "bfv" ? 20000 : 3600, seed: 21);

        var outcomeA = await a.WaitAsync(RunTimeout);
        var outcomeB = await b.WaitAsync(RunTimeout);
        Assert.True(outcomeA.Code == 0 && outcomeB.Code == 0, outcomeA.ToString() + outcomeB.ToString());

        // Both nodes computed tiles (counts, not timing), and together every tile once; none was requeued.
        var summary = Assert.Single(outcomeA.OutLines, l => l.StartsWith("left: evaluator", StringComparison.Ordinal));
        var total = int.Parse(TileTotal().Match(summary).Groups[1].Value, CultureInfo.InvariantCulture);
        var perNode = TilesPerNode().Match(summary);
        Assert.True(perNode.Success, summary);
        var counts = perNode.Groups[1].Value.Split(", ").Select(n => int.Parse(n[(n.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, counts.Length);
        Assert.All(counts, count => Assert.True(count > 0, summary));
        Assert.Equal(total, counts.Sum());
        Assert.Contains("requeued 0", summary, StringComparison.Ordinal);
        await node.WaitForErrorAsync("[node] left session ", RunTimeout);
        Assert.Contains(node.ErrorSoFar.Split('\n'), line => line.StartsWith("[node] session ", StringComparison.Ordinal) && line.EndsWith(": pulling tiles, workers: 1", StringComparison.Ordinal));

        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.csv"), "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(Shares.Product(x, y).Data, MatrixFiles.ReadIntegers(directory.File("p.npy")).Data.Select(v => (BigInteger)v));

        // The node keeps serving until Ctrl+C, then leaves the cluster and exits 0 without writing anything.
        Assert.False(node.Exited.IsCompleted);
        var files = directory.FileNames();
        node.Signal("INT");
        var left = await node.WaitAsync(RunTimeout);
        Assert.True(left.Code == 0, left.ToString());
        Assert.Contains("[node] left the cluster", left.ErrorLines);
        Assert.Equal(files, directory.FileNames());
    }

    [Theory]
    [InlineData("paillier")]
    [InlineData("bfv")]
    public async Task A_duet_node_killed_mid_run_over_mutual_TLS_costs_its_tiles_not_the_session(string scheme)
    {
        var (x, y, a, node, b) = await StartParties(scheme, scheme == "bfv" ? 40000 : 24000, seed: 23);

        // Killed once it computes (no leave, no last result): the session node's links to it fail mid-use.
        await node.WaitForErrorAsync(": pulling tiles, workers: 1", RunTimeout);
        await a.WaitForErrorAsync("[left] evaluate ", RunTimeout);
        node.Kill();

        var outcomeA = await a.WaitAsync(RunTimeout);
        var outcomeB = await b.WaitAsync(RunTimeout);
        Assert.True(outcomeA.Code == 0 && outcomeB.Code == 0, outcomeA.ToString() + outcomeB.ToString());
        var summary = Assert.Single(outcomeA.OutLines, l => l.StartsWith("left: evaluator", StringComparison.Ordinal));
        var requeued = Requeued().Match(summary);
        Assert.True(requeued.Success, summary);
        Assert.True(int.Parse(requeued.Groups[1].Value, CultureInfo.InvariantCulture) > 0, summary);
        var revealed = CliRunner.Run("reveal", "--a", directory.File("a.npy"), "--b", directory.File("b.csv"), "--out", directory.File("p.npy"));
        Assert.True(revealed.Code == 0, revealed.ToString());
        Assert.Equal(Shares.Product(x, y).Data, MatrixFiles.ReadIntegers(directory.File("p.npy")).Data.Select(v => (BigInteger)v));
    }

    /// <summary>A's session node listening, one <c>duet node</c> joined to it, then B calling: A evaluates rows x 10
    /// against 10x1 under Paillier, rows x 64 against 64x16 under BFV (entries under 1000), every node and B with its
    /// own certificate and pins (A's and its node's party pins given by --party-pin).</summary>
    private async Task<(Matrix<long> X, Matrix<long> Y, DuetProcess A, DuetProcess Node, DuetProcess B)> StartParties(string scheme, int rows, int seed)
    {
        var (inner, columns) = scheme == "bfv" ? (64, 16) : (10, 1);
        var pinA0 = CliTlsTests.MakeCertificate(directory, "a0");
        var pinA1 = CliTlsTests.MakeCertificate(directory, "a1");
        var pinB = CliTlsTests.MakeCertificate(directory, "b");
        var x = CliRunner.RandomIntegers(rows, inner, 1000, seed);
        var y = CliRunner.RandomIntegers(inner, columns, 1000, seed + 1);
        MatrixFiles.Write(directory.File("x.npy"), x);
        MatrixFiles.Write(directory.File("y.csv"), y);
        var clusterPort = CliRunner.FreePort();
        directory.WriteText("a.hocon", $"duet.cluster.enabled = on\nduet.cluster.listen = \"127.0.0.1:{clusterPort}\"\nduet.workers = 1\nduet.session.scheme = {scheme}\n");
        directory.WriteText("node.hocon", "duet.workers = 1\n");
        directory.WriteText("b.hocon", $"duet.session.key-bits = 2048\nduet.session.scheme = {scheme}\n");
        var port = CliRunner.FreePort();

        var a = Started(DuetProcess.Start(directory.Path, "party", "--config", "a.hocon", "--input", "x.npy", "--output", "a.npy", "--listen", $"127.0.0.1:{port}", "--side", "left", "--cert", "a0.pfx", "--pin", pinB, "--party-pin", pinA1));
        await CliRunner.WaitForListenerAsync(port, a.Exited, RunTimeout);
        var node = Started(DuetProcess.Start(directory.Path, "node", "--config", "node.hocon", "--seed", $"127.0.0.1:{clusterPort}", "--cert", "a1.pfx", "--party-pin", pinA0));
        await node.WaitForErrorAsync("joined the party's cluster", RunTimeout);
        var b = Started(DuetProcess.Start(directory.Path, "party", "--config", "b.hocon", "--input", "y.csv", "--output", "b.csv", "--peer", $"127.0.0.1:{port}", "--side", "right", "--cert", "b.pfx", "--pin", pinA0));
        return (x, y, a, node, b);
    }

    private DuetProcess Started(DuetProcess process)
    {
        processes.Add(process);
        return process;
    }

    [GeneratedRegex(@"requeued (\d+)")]
    private static partial Regex Requeued();

    [GeneratedRegex(@"result in (\d+) tiles?")]
    private static partial Regex TileTotal();

    [GeneratedRegex(@"tiles per node: ([^;]+);")]
    private static partial Regex TilesPerNode();
}
