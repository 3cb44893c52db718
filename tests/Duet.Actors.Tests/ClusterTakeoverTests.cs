using Akka.Actor;
using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The peer, with its own pinned certificate, claims the address of one of the party's attested worker nodes
/// (a fresh uid, the node's host and port) and tries to join the party's cluster there, so that what the session node
/// sends that node would reach it. The party's cluster listens apart from the peer and accepts its node pins only:
/// the peer's link is refused, it receives no set-up part and no tile, and the session completes exactly.</summary>
public sealed class ClusterTakeoverTests(RuntimeKeys keys, ClusterCertificates certs) : IClassFixture<RuntimeKeys>, IClassFixture<ClusterCertificates>
{
    private static readonly Random Seeded = new(29);
    private readonly Matrix<long> x = TwoParties.Random(Seeded, 96, 4, 16);
    private readonly Matrix<long> y = TwoParties.Random(Seeded, 4, 15, 16);

    [Fact]
    public async Task ThePeerClaimingAnAttestedNodesAddressGetsNoSetUpAndNoTile()
    {
        await using var right = await ClusterParty.Start(workers: 1, extra: PartyClusterTlsTests.NoSpuriousDowning, tls: i => certs.PartyNode(certs.Nodes[i]));
        await right.ExplainFailure(async () =>
        {
            var legitimate = right.Workers[0];
            var claimed = Akka.Cluster.Cluster.Get(legitimate).SelfAddress;
            var received = 0;

            // The peer's system: its certificate (A's peer pin), A's node pins trusted, and the legitimate node's port
            // announced as its own.
            var claim = ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.public-port = {claimed.Port}");
            var impostor = await right.AddWorker(
                own: claim,
                nodeTls: new PartyTls(certs.Peer, [ClusterCertificates.Pin(certs.Nodes[0])], certs.Nodes.Select(ClusterCertificates.Pin)),
                agent: system => system.ActorOf(Props.Create(() => new Recorder(() => Interlocked.Increment(ref received))), Cluster.TileNode.Name),
                untilUp: false);
            Assert.Equal(claimed.Port, ((ExtendedActorSystem)impostor).Provider.DefaultAddress.Port);

            var port = TwoParties.FreePort();
            var endpoint = new PartyEndpoint("127.0.0.1", port) { Tls = new PartyTls(certs.Peer, [ClusterCertificates.Pin(certs.Nodes[0])]) };
            var peer = DuetParty.RunAsync(PartyClusterTests.Settings(OperandSide.Left, keys.Left), x, endpoint, extraConfig: PartyClusterTests.Single.WithFallback(ClusterParty.Test));
            var encryptor = await right.Run(PartyClusterTests.Settings(OperandSide.Right, keys.Right) with { FaultInjection = right.HoldUntilWorkersReady() }, y, DuetParty.GatewayPathFor($"127.0.0.1:{port}", tls: true));
            var evaluator = await peer;

            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            Assert.Equal(0, Volatile.Read(ref received));
            Assert.True(encryptor.Statistics.TilesByNode.GetValueOrDefault(claimed.ToString()) > 0, "the attested worker node computed no tile");
            Assert.Equal(encryptor.Statistics.Plan.Tiles + encryptor.Statistics.Plan.EncryptBlocks, encryptor.Statistics.TilesByNode.Values.Sum());

            // The impostor never became a member, and the party's cluster refused the peer's certificate.
            var impostorUid = Akka.Cluster.Cluster.Get(impostor).SelfUniqueAddress.Uid;
            Assert.DoesNotContain(Akka.Cluster.Cluster.Get(right.Session).State.Members, m => m.UniqueAddress.Uid == impostorUid);
            var refusal = PartyTls.Of(right.Session)?.LastRefusal;
            Assert.NotNull(refusal);
            Assert.Contains($"its certificate {ClusterCertificates.Pin(certs.Peer)} is not pinned", refusal.Reason, StringComparison.Ordinal);
        });
    }

    /// <summary>The impostor's agent: counts every set-up part, tile and other message the party sends it.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(Action received) => ReceiveAny(_ => received());
    }
}
