using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tests;

/// <summary>A party as an Akka.Cluster of three nodes: tiles spread over every node, the product stays exact, a worker
/// node killed mid-run gives its tiles back, the session node killed aborts both parties.</summary>
public sealed class PartyClusterTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    // Paillier: X (evaluator, left) 240x4 by Y (encryptor, right) 4x15, 30 evaluation tiles of 8 results; BFV: X 2000x64 by
    // Y 64x4, dozens of row blocks.
    private static readonly Random Seeded = new(11);
    private readonly Matrix<long> x = TwoParties.Random(Seeded, 240, 4, 16);
    private readonly Matrix<long> y = TwoParties.Random(Seeded, 4, 15, 16);
    private readonly Matrix<long> wideX = TwoParties.Random(Seeded, 2000, 64, 16);
    private readonly Matrix<long> narrowY = TwoParties.Random(Seeded, 64, 4, 16);

    public static TheoryData<Scheme> Schemes() => [Scheme.Paillier, Scheme.Bfv];

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task ANodeThatReturnsAWrongTileIsCaughtByTheRecheckAndDownedAndTheProductIsExact(Scheme scheme)
    {
        var (x, y) = Operands(scheme);
        await using var left = await ClusterParty.Start(workers: 2);
        await left.ExplainFailure(async () =>
        {
            var (honest, wrong) = (left.Workers[0], left.Workers[1]);
            var wrongAddress = Akka.Cluster.Cluster.Get(wrong).SelfAddress;

            // Shape and range stay right, so only computing the tile again tells.
            Tiles.TileContexts.For(wrong).NodeTamper = result => result is Tiles.EvaluateResult evaluated
                ? evaluated with { Share = [evaluated.Share[0] + 1, .. evaluated.Share[1..]] }
                : result;
            var port = TwoParties.FreePort();
            var peer = DuetParty.RunAsync(Settings(OperandSide.Right, keys.Right, scheme), y, new PartyEndpoint("127.0.0.1", port), extraConfig: Single.WithFallback(ClusterParty.Test));
            var checkEveryTile = Settings(OperandSide.Left, keys.Left, scheme) with { FaultInjection = left.HoldUntilWorkersReady(), RecheckFraction = 1 };
            var evaluator = await left.Run(checkEveryTile, x, DuetParty.GatewayPathFor($"127.0.0.1:{port}"));
            var encryptor = await peer;

            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            var byNode = evaluator.Statistics.TilesByNode;

            // The honest node's tiles, computed again on the session node, matched byte for byte: every tile is repeatable.
            Assert.True(byNode.GetValueOrDefault(left.Address(honest)) > 0, "no tile of the honest node was accepted");
            Assert.False(byNode.ContainsKey(wrongAddress.ToString()), "a tile of the node that computes wrongly was accepted");
            Assert.Equal(evaluator.Statistics.Plan.Tiles, byNode.Values.Sum());
            var members = Akka.Cluster.Cluster.Get(left.Session);
            Assert.True(SpinWait.SpinUntil(() => !members.State.Members.Any(m => m.Address.Equals(wrongAddress)), TimeSpan.FromSeconds(30)), "the node that computes wrongly is still a member");
        });
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task TilesSpreadOverEveryNodeOfTheEvaluatorsClusterAndTheProductIsExact(Scheme scheme)
    {
        var (x, y) = Operands(scheme);
        await using var left = await ClusterParty.Start(workers: 2);
        var port = TwoParties.FreePort();
        var peer = DuetParty.RunAsync(Settings(OperandSide.Right, keys.Right, scheme), y, new PartyEndpoint("127.0.0.1", port), extraConfig: Single.WithFallback(ClusterParty.Test));
        var evaluator = await left.Run(Settings(OperandSide.Left, keys.Left, scheme) with { FaultInjection = left.HoldUntilWorkersReady() }, x, DuetParty.GatewayPathFor($"127.0.0.1:{port}"));
        var encryptor = await peer;

        Assert.False(evaluator.Statistics.IsEncryptor);
        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
        var byNode = evaluator.Statistics.TilesByNode;
        Assert.Equal(3, byNode.Count);
        Assert.All(left.Workers.Append(left.Session), node => Assert.True(byNode.GetValueOrDefault(left.Address(node)) > 0, $"no tile on {left.Address(node)}"));
        Assert.Equal(evaluator.Statistics.Plan.Tiles, byNode.Values.Sum());
        Assert.Single(encryptor.Statistics.TilesByNode);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task BothPartiesAsClustersGiveTheExactProduct(Scheme scheme)
    {
        var (x, y) = Operands(scheme);
        await using var left = await ClusterParty.Start(workers: 2);
        await using var right = await ClusterParty.Start(workers: 1);
        var listening = right.Run(Settings(OperandSide.Right, keys.Right, scheme) with { FaultInjection = right.HoldUntilWorkersReady() }, y, null);
        var evaluator = await left.Run(Settings(OperandSide.Left, keys.Left, scheme) with { FaultInjection = left.HoldUntilWorkersReady() }, x, right.GatewayPath);
        var encryptor = await listening;

        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
        Assert.Equal(3, evaluator.Statistics.TilesByNode.Count);
        Assert.Equal(2, encryptor.Statistics.TilesByNode.Count);
        Assert.True(encryptor.Statistics.TilesByNode.Values.All(tiles => tiles > 0));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task AWorkerNodeKilledMidRunHasItsTilesComputedElsewhere(Scheme scheme)
    {
        var (x, y) = Operands(scheme);
        await using var left = await ClusterParty.Start(workers: 2, firstWorker: ClusterParty.Crashing);
        var victim = left.Workers[0];
        var port = TwoParties.FreePort();
        var peer = DuetParty.RunAsync(Settings(OperandSide.Right, keys.Right, scheme), y, new PartyEndpoint("127.0.0.1", port), extraConfig: Single.WithFallback(ClusterParty.Test));

        // The victim holds its first tile; while it holds it, its transport is shut down (as when its process dies: no
        // leave, no last result), so the tile is in flight when the cluster sees the node unreachable.
        using var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tiles.TileContexts.For(victim).NodeFault = _ =>
        {
            holding.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(60));
            return false;
        };
        var killed = holding.Task.ContinueWith(_ => ClusterParty.CutTransport(victim), TaskScheduler.Default).Unwrap();
        try
        {
            var evaluator = await left.Run(Settings(OperandSide.Left, keys.Left, scheme) with { FaultInjection = left.HoldUntilWorkersReady() }, x, DuetParty.GatewayPathFor($"127.0.0.1:{port}"));
            var encryptor = await peer;

            Assert.True(killed.IsCompletedSuccessfully, "the victim's transport was not cut");
            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            Assert.True(evaluator.Statistics.TilesRequeued > 0, "no tile was requeued");
            Assert.False(evaluator.Statistics.TilesByNode.ContainsKey(left.Address(victim)), "the victim's held tile was counted");
            Assert.Equal(evaluator.Statistics.Plan.Tiles, evaluator.Statistics.TilesByNode.Values.Sum());
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task ASetUpOfManyPartsReachesTheWorkerNodeThroughItsWindow()
    {
        // A 64 KiB frame cuts the evaluator's set-up (the peer's 320x30 operand encrypted: about a thousand
        // ciphertexts) into parts of 16 KiB: more than the window, so the worker node has its kit (and computes
        // tiles) only if every acknowledgement lets the next part go. X is not in the set-up: each tile carries its rows.
        const long frame = 64 << 10;
        var small = Akka.Configuration.ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.maximum-frame-size = {frame}b");
        var wide = TwoParties.Random(Seeded, 40, 320, 16);
        var narrow = TwoParties.Random(Seeded, 320, 30, 16);
        await using var left = await ClusterParty.Start(workers: 1, extra: small);
        var port = TwoParties.FreePort();
        PartySettings Small(OperandSide side, Crypto.Paillier.PaillierPrivateKey key) =>
            Settings(side, key) with { BlockBytes = 16 << 10, Limits = TwoParties.TestLimits with { FrameBytes = frame } };
        var peer = DuetParty.RunAsync(Small(OperandSide.Right, keys.Right), narrow, new PartyEndpoint("127.0.0.1", port), extraConfig: small.WithFallback(Single).WithFallback(ClusterParty.Test));
        var evaluator = await left.Run(Small(OperandSide.Left, keys.Left) with { FaultInjection = left.HoldUntilWorkersReady() }, wide, DuetParty.GatewayPathFor($"127.0.0.1:{port}"));
        var encryptor = await peer;

        var setupBytes = (long)evaluator.Statistics.Plan.EncryptedCount * 2 * ((keys.Right.PublicKey.Bits + 7) / 8);
        Assert.True(setupBytes > SetupPart.Window * (frame / 4), $"the set-up ({setupBytes} bytes) fits the window");
        Assert.Equal(Shares.Product(wide, narrow).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
        Assert.True(evaluator.Statistics.TilesByNode.GetValueOrDefault(left.Address(left.Workers[0])) > 0, "the worker node computed no tile");
    }

    [Fact]
    public async Task AWorkerNodeThatJoinsMidSessionGetsTheSetUpAndPullsTiles()
    {
        await using var left = await ClusterParty.Start(workers: 0);
        var port = TwoParties.FreePort();
        var peer = DuetParty.RunAsync(Settings(OperandSide.Right, keys.Right), y, new PartyEndpoint("127.0.0.1", port), extraConfig: Single.WithFallback(ClusterParty.Test));
        var late = new TaskCompletionSource<ActorSystem>(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = 0;

        // The session node's own worker is held after its first tile until the late node has its kit, so some of the
        // tiles are left for it however loaded the machine is.
        var evaluator = await left.Run(
            Settings(OperandSide.Left, keys.Left) with
            {
                FaultInjection = tile =>
                {
                    if (Interlocked.Exchange(ref joined, 1) == 0)
                    {
                        _ = left.AddWorker().ContinueWith(t => late.TrySetResult(t.Result), TaskScheduler.Default);
                    }
                    else
                    {
                        SpinWait.SpinUntil(() => late.Task.IsCompleted && Tiles.TileContexts.For(late.Task.Result).Find(tile.SessionId)?.Kit is not null, TimeSpan.FromSeconds(15));
                    }

                    return false;
                },
            },
            x,
            DuetParty.GatewayPathFor($"127.0.0.1:{port}"));
        var encryptor = await peer;

        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
        Assert.True(evaluator.Statistics.TilesByNode.GetValueOrDefault(left.Address(await late.Task)) > 0, "the late node computed no tile");
    }

    [Fact]
    public async Task TheSessionNodeKilledAbortsBothParties()
    {
        await using var left = await ClusterParty.Start(workers: 1);
        var port = TwoParties.FreePort();
        var peer = DuetParty.RunAsync(Settings(OperandSide.Right, keys.Right), y, new PartyEndpoint("127.0.0.1", port), extraConfig: Single.WithFallback(ClusterParty.Test));
        var computed = 0;

        // The session node dies while computing its third tile (that tile never returns, so the run cannot end first).
        var evaluator = left.Run(
            Settings(OperandSide.Left, keys.Left) with
            {
                FaultInjection = tile =>
                {
                    if (Interlocked.Increment(ref computed) == 3)
                    {
                        // As the process dying would: both of the session node's systems go.
                        _ = left.SessionNode.Peer.Terminate();
                        _ = left.Session.Terminate();
                        SpinWait.SpinUntil(() => peer.IsCompleted, TimeSpan.FromSeconds(15));
                    }

                    return false;
                },
            },
            x,
            DuetParty.GatewayPathFor($"127.0.0.1:{port}"));

        await Assert.ThrowsAsync<SessionAbortedException>(() => evaluator);
        var lost = await Assert.ThrowsAsync<SessionAbortedException>(() => peer);
        Assert.Equal(AbortReason.PeerLost, lost.Reason);
    }

    private (Matrix<long> X, Matrix<long> Y) Operands(Scheme scheme) => scheme == Scheme.Bfv ? (wideX, narrowY) : (x, y);

    /// <summary>The single-node peer: remote provider, whatever the cluster keys of the shared test config say.</summary>
    internal static Akka.Configuration.Config Single => Akka.Configuration.ConfigurationFactory.ParseString("duet.cluster.enabled = off");

    internal static PartySettings Settings(OperandSide side, Crypto.Paillier.PaillierPrivateKey key, Scheme scheme = Scheme.Paillier) => TwoParties.Settings(side, key) with
    {
        Scheme = scheme,
        Workers = 1,
        Window = 16,
        Role = side == OperandSide.Left ? RolePreference.Evaluator : RolePreference.Encryptor,
    };
}
