using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Cluster;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>The coordinator a session hands its tiles to: retries a failed tile, reports the final outcome to its parent.</summary>
public sealed class TileCoordinatorTests(RuntimeKeys keys) : TestKit(TwoParties.SerializeAll.WithFallback(DuetConfig.Defaults)), IClassFixture<RuntimeKeys>
{
    private readonly Guid id = Guid.NewGuid();

    [Fact]
    public void AFaultyTileIsComputedAgainAndItsResultReported()
    {
        var attempts = Dispatch(tile => tile.Attempt == 1, out var dispatcher);
        var (first, count) = Plan.EncryptBlock(0);
        dispatcher.Tell(new EncryptTile(id, 0, 1, first, count));
        var result = ExpectMsg<TileCoordinator.ToSession>(TimeSpan.FromSeconds(10)).Result as EncryptResult ?? throw new InvalidOperationException("not an encrypt result");
        Assert.Equal((0, 2), (result.Index, result.Attempt));
        Assert.Equal(count * keys.Right.PublicKey.CiphertextBytes, result.Ciphertexts.Length);
        Assert.Equal(2, attempts.Value);
    }

    [Fact]
    public void ATileThatKeepsFailingIsReportedAfterTheLastAttempt()
    {
        var attempts = Dispatch(_ => true, out var dispatcher);
        var (first, count) = Plan.EncryptBlock(0);
        dispatcher.Tell(new EncryptTile(id, 0, 1, first, count));
        var failed = Assert.IsType<TileFailed>(ExpectMsg<TileCoordinator.ToSession>(TimeSpan.FromSeconds(10)).Result);
        Assert.Equal((TileCoordinator.MaxAttempts, TileFailure.Fault, TileKind.Encrypt), (failed.Attempt, failed.Failure, failed.Kind));
        Assert.Equal(TileCoordinator.MaxAttempts, attempts.Value);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ATileOfASessionWithoutContextFailsWithoutTouchingAnything()
    {
        var other = Guid.NewGuid();
        var dispatcher = ChildActorOf(TileCoordinator.Props(other, 1, new TileStatistics(), TestActor, SessionCapability.New()));
        dispatcher.Tell(new EvaluateTile(other, 0, 1, 0, []));
        Assert.Equal(TileFailure.NoContext, Assert.IsType<TileFailed>(ExpectMsg<TileCoordinator.ToSession>(TimeSpan.FromSeconds(10)).Result).Failure);
    }

    [Fact]
    public void OnlyMessagesWithTheSessionsCapabilityRegisterAWorkerOrCountAsItsResult()
    {
        Dispatch(_ => false, out _);
        var context = TileContexts.For(Sys).Find(id)!;
        var dispatcher = ChildActorOf(TileCoordinator.Props(id, 0, new TileStatistics(), TestActor, context.Capability));
        var worker = CreateTestProbe();
        var (first, count) = Plan.EncryptBlock(0);

        // A registration without the capability is ignored: the tile waits for a worker.
        worker.Send(dispatcher, new WorkerReady(id, 2));
        dispatcher.Tell(new EncryptTile(id, 0, 1, first, count));
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        worker.Send(dispatcher, new WorkerReady(id, 2) { Capability = context.Capability });
        var tile = worker.ExpectMsg<EncryptTile>(TimeSpan.FromSeconds(5));
        Assert.Equal(context.Capability, tile.Capability);

        // A result without it, even in the registered worker's name, is dropped and costs the worker nothing.
        var computed = TileComputation.Compute(context.Kit!, tile, context.Cpu);
        worker.Send(dispatcher, computed with { Capability = SessionCapability.New() });
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        worker.Send(dispatcher, computed with { Capability = context.Capability });
        Assert.IsType<EncryptResult>(ExpectMsg<TileCoordinator.ToSession>(TimeSpan.FromSeconds(5)).Result);
    }

    [Fact]
    public void AWorkerComputesNothingForATileWithoutItsSessionsCapability()
    {
        var attempts = Dispatch(_ => false, out _);
        var capability = TileContexts.For(Sys).Find(id)!.Capability;
        var worker = Sys.ActorOf(TileWorker.Props(TestActor));
        var (first, count) = Plan.EncryptBlock(0);
        worker.Tell(new EncryptTile(id, 0, 1, first, count) { Capability = SessionCapability.New() });
        worker.Tell(new EncryptTile(id, 0, 1, first, count));
        ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.Equal(0, attempts.Value);

        worker.Tell(new EncryptTile(id, 0, 1, first, count) { Capability = capability });
        Assert.Equal(capability, ExpectMsg<EncryptResult>(TimeSpan.FromSeconds(10)).Capability);
        Assert.Equal(1, attempts.Value);
    }

    private PackingPlan Plan => PackingPlan.Create(4, 2, 2, 16, 16, keys.Right.PublicKey.Bits);

    private StrongBox<int> Dispatch(Func<Tile, bool> fault, out IActorRef dispatcher)
    {
        var attempts = new StrongBox<int>();
        var context = TileContexts.For(Sys).Open(id);
        context.Attach(TestKits.Encryptor(Plan, new Matrix<long>(2, 2), keys.Right, tile =>
        {
            Interlocked.Increment(ref attempts.Value);
            return fault(tile);
        }));
        dispatcher = ChildActorOf(TileCoordinator.Props(id, 2, new TileStatistics(), TestActor, context.Capability));
        return attempts;
    }
}
