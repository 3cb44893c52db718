using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

public sealed class TwoPartyOutcomeTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private readonly Random random = new(42);

    [Theory]
    [InlineData(Reveal.None, false, false)]
    [InlineData(Reveal.Left, true, false)]
    [InlineData(Reveal.Right, false, true)]
    [InlineData(Reveal.Both, true, true)]
    public async Task RevealDeliversTheProductOnlyToItsRecipients(Reveal reveal, bool toLeft, bool toRight)
    {
        var left = TwoParties.Random(random, 9, 4, 16);
        var right = TwoParties.Random(random, 4, 5, 16);
        var (a, b) = await TwoParties.Run(
            left, TwoParties.Settings(OperandSide.Left, keys.Left) with { Reveal = reveal },
            right, TwoParties.Settings(OperandSide.Right, keys.Right) with { Reveal = reveal });
        var expected = Shares.Product(left, right);
        Assert.Equal(expected.Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
        Assert.Equal(toLeft, a.Product is not null);
        Assert.Equal(toRight, b.Product is not null);
        Assert.True(a.Product is null || a.Product.Data.SequenceEqual(expected.Data));
        Assert.True(b.Product is null || b.Product.Data.SequenceEqual(expected.Data));
    }

    [Fact]
    public async Task ManyBlocksNeverExceedTheWindow()
    {
        // 1024-bit key, 16-bit entries, 3000 entries: t = 38 + 1 + 40 + 12 = 91, S = 11; n = 3 gives G = 3, so 1000
        // rows make 334 row groups in 42 tiles, and k = 60 makes 180 encrypted operands in 3 blocks.
        var left = TwoParties.Random(random, 1000, 60, 16);
        var right = TwoParties.Random(random, 60, 3, 16);
        var (a, b) = await TwoParties.Run(
            left, TwoParties.Settings(OperandSide.Left, keys.Left) with { Window = 2 },
            right, TwoParties.Settings(OperandSide.Right, keys.Right) with { Window = 2 });
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
        Assert.True(a.Statistics.Plan.Tiles > 4, $"the plan has only {a.Statistics.Plan.Tiles} tiles");
        Assert.True(a.Statistics.Plan.EncryptBlocks > 2);
        Assert.Equal(2, a.Statistics.MaxInFlight);
        Assert.Equal(2, b.Statistics.MaxInFlight);
        Assert.Equal(a.Statistics.BytesSent, b.Statistics.BytesReceived);
        Assert.Equal(b.Statistics.BytesSent, a.Statistics.BytesReceived);
    }

    [Fact]
    public async Task CrashingWorkerTileIsComputedAgainAndCountedOnce()
    {
        var left = TwoParties.Random(random, 300, 3, 16);
        var right = TwoParties.Random(random, 3, 3, 16);
        var crashes = 0;
        var (a, b) = await TwoParties.Run(
            left, TwoParties.Settings(OperandSide.Left, keys.Left) with
            {
                FaultInjection = tile => tile is EvaluateTile { Index: 1, Attempt: 1 } && Interlocked.Increment(ref crashes) > 0,
            },
            right, TwoParties.Settings(OperandSide.Right, keys.Right) with
            {
                FaultInjection = tile => tile is DecryptTile { Index: 0, Attempt: 1 } && Interlocked.Increment(ref crashes) > 0,
            });
        Assert.Equal(2, crashes);
        Assert.Equal(1, a.Statistics.TilesRetried);
        Assert.Equal(1, b.Statistics.TilesRetried);
        Assert.Equal(a.Statistics.Plan.ResultCount, b.Statistics.CiphertextsReceived);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task CorruptedCiphertextAbortsBothSides()
    {
        var left = TwoParties.Random(random, 8, 3, 16);
        var right = TwoParties.Random(random, 3, 2, 16);
        var port = TwoParties.FreePort();
        var evaluator = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left), left, new PartyEndpoint("127.0.0.1", port), null, default, TwoParties.SerializeAll);
        var encryptor = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { TamperOutgoing = (_, bytes) => Array.Clear(bytes, 0, bytes.Length / 2) },
            right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, default, TwoParties.SerializeAll);
        var local = await Assert.ThrowsAsync<SessionAbortedException>(() => evaluator);
        var remote = await Assert.ThrowsAsync<SessionAbortedException>(() => encryptor);
        Assert.Equal(AbortReason.InvalidCiphertext, local.Reason);
        Assert.Equal(AbortReason.InvalidCiphertext, remote.Reason);
        Assert.False(local.RaisedByPeer);
        Assert.True(remote.RaisedByPeer);
    }

    [Fact]
    public async Task AFaultInsideTheSessionEndsItOnBothSidesAsInternal()
    {
        var left = TwoParties.Random(random, 8, 3, 16);
        var right = TwoParties.Random(random, 3, 2, 16);
        var port = TwoParties.FreePort();
        var evaluator = DuetParty.RunAsync(TwoParties.Settings(OperandSide.Left, keys.Left), left, new PartyEndpoint("127.0.0.1", port));
        var encryptor = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { TamperOutgoing = (_, _) => throw new InvalidOperationException("boom") },
            right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"));
        var local = await Assert.ThrowsAsync<SessionAbortedException>(() => encryptor);
        var remote = await Assert.ThrowsAsync<SessionAbortedException>(() => evaluator);
        Assert.Equal((AbortReason.Internal, false), (local.Reason, local.RaisedByPeer));
        Assert.Equal((AbortReason.Internal, true), (remote.Reason, remote.RaisedByPeer));
        Assert.Contains("boom", local.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, RolePreference.Auto, RolePreference.Auto, ShareDomain.Ring64, AbortReason.Incompatible)]
    [InlineData(3, RolePreference.Encryptor, RolePreference.Encryptor, ShareDomain.Ring64, AbortReason.RoleConflict)]
    [InlineData(3, RolePreference.Evaluator, RolePreference.Evaluator, ShareDomain.Ring64, AbortReason.RoleConflict)]
    [InlineData(3, RolePreference.Auto, RolePreference.Auto, ShareDomain.Integer, AbortReason.Incompatible)]
    public async Task IncompatibleHellosEndTheSessionOnBothSides(int rightRows, RolePreference leftRole, RolePreference rightRole, ShareDomain rightDomain, AbortReason reason)
    {
        var left = TwoParties.Random(random, 5, 3, 16);
        var right = TwoParties.Random(random, rightRows, 2, 16);
        var port = TwoParties.FreePort();
        var a = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = leftRole }, left, new PartyEndpoint("127.0.0.1", port));
        var b = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { Role = rightRole, Domain = rightDomain },
            right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"));
        Assert.Equal(reason, (await Assert.ThrowsAsync<SessionAbortedException>(() => a)).Reason);
        Assert.Equal(reason, (await Assert.ThrowsAsync<SessionAbortedException>(() => b)).Reason);
    }

    [Fact]
    public async Task BoundViolationIsRaisedBeforeAnythingIsSent()
    {
        var left = new Matrix<long>(1, 1, [1L << 20]);
        var error = await Assert.ThrowsAsync<EncodingException>(() => DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left), left, new PartyEndpoint("127.0.0.1", TwoParties.FreePort())));
        Assert.Contains("row 1, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerSystemGoneMidStreamFailsTheSurvivorWithinSecondsAsPeerLost()
    {
        var left = TwoParties.Random(random, 2000, 3, 16);
        var right = TwoParties.Random(random, 3, 3, 16);
        var port = TwoParties.FreePort();
        var peerSystems = PartySystems.Create(new PartyEndpoint("127.0.0.1", 0), null);
        var peerSystem = peerSystems.Peer;
        var stoppedAt = DateTime.MaxValue;
        var stopped = 0;
        var progress = new Progress(p =>
        {
            if (p.Phase == "decrypt" && p.Done >= 1 && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                stoppedAt = DateTime.UtcNow;
                _ = peerSystem.Terminate();
            }
        });

        // A timeout far above the detection time: the survivor must notice the lost link, not the silence.
        var survivor = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Timeout = TimeSpan.FromSeconds(60) }, left, new PartyEndpoint("127.0.0.1", port));
        var doomed = DuetParty.RunOn(
            peerSystems, TwoParties.Settings(OperandSide.Right, keys.Right), new MatrixRows(right), DuetParty.GatewayPathFor($"127.0.0.1:{port}"), progress, default);
        var error = await Assert.ThrowsAsync<SessionAbortedException>(() => survivor);
        Assert.Equal(AbortReason.PeerLost, error.Reason);
        Assert.Equal(1, stopped);
        Assert.True(DateTime.UtcNow - stoppedAt < TimeSpan.FromSeconds(8), $"noticed after {DateTime.UtcNow - stoppedAt}");
        await Assert.ThrowsAnyAsync<Exception>(() => doomed);
        await peerSystems.Party.Terminate();
    }

    private sealed class Progress(Action<PartyProgress> report) : IProgress<PartyProgress>
    {
        public void Report(PartyProgress value) => report(value);
    }
}
