using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The certificates of a three-node party A (session node 0, worker nodes 1 and 2) and of its peer B.</summary>
public sealed class ClusterCertificates : IDisposable
{
    public IReadOnlyList<X509Certificate2> Nodes { get; } = [.. Enumerable.Range(0, 3).Select(i => SelfSignedCertificate.Create($"party-a{i}", TimeSpan.FromDays(2)))];

    public X509Certificate2 Peer { get; } = SelfSignedCertificate.Create("party-b", TimeSpan.FromDays(2));

    /// <summary>What every node of A is configured with, as one configuration file would give it: its own certificate,
    /// B's pin as the peer pin, and the three nodes' pins as party pins.</summary>
    public PartyTls PartyNode(X509Certificate2 own) => new(own, [Pin(Peer)], Nodes.Select(Pin));

    /// <summary>A node of a party whose configuration wrongly lists the peer's pin among its party pins too: the
    /// cluster's listeners then accept the peer's certificate, and only the member attestation refuses it.</summary>
    public PartyTls MisconfiguredNode(X509Certificate2 own) => new(own, [Pin(Peer)], Nodes.Select(Pin).Append(Pin(Peer)));

    public static string Pin(X509Certificate2 certificate) => CertificateFingerprint.Of(certificate);

    public void Dispose()
    {
        foreach (var certificate in Nodes.Append(Peer))
        {
            certificate.Dispose();
        }
    }
}

/// <summary>A party's own links over mutual TLS end to end: a three-node encryptor party (its private key shipped to
/// its worker nodes) against a TLS peer; and, where a party wrongly pins the peer's certificate as one of its nodes, the
/// peer's certificate joining the party's cluster as a worker node, which the session node's member attestation refuses:
/// no set-up, no tile, the product still exact.</summary>
public sealed class PartyClusterTlsTests(RuntimeKeys keys, ClusterCertificates certs) : IClassFixture<RuntimeKeys>, IClassFixture<ClusterCertificates>
{
    // X (evaluator, left) 96x4 by Y (encryptor, right) 4x15: 12 decryption tiles of 8 results.
    private static readonly Random Seeded = new(13);
    private readonly Matrix<long> x = TwoParties.Random(Seeded, 96, 4, 16);
    private readonly Matrix<long> y = TwoParties.Random(Seeded, 4, 15, 16);

    [Fact]
    public async Task AThreeNodeEncryptorPartyOverMutualTlsComputesTilesOnEveryNodeAndTheExactProduct()
    {
        await using var right = await ClusterParty.Start(workers: 2, extra: NoSpuriousDowning, tls: i => certs.PartyNode(certs.Nodes[i]));
        await right.ExplainFailure(async () =>
        {
            var (evaluator, encryptor) = await Run(right, right.HoldUntilWorkersReady());

            Assert.True(encryptor.Statistics.IsEncryptor);
            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            Assert.StartsWith("akka.ssl.tcp://", right.Address(right.Session), StringComparison.Ordinal);
            var byNode = encryptor.Statistics.TilesByNode;
            Assert.All(right.Workers.Append(right.Session), node => Assert.True(byNode.GetValueOrDefault(right.Address(node)) > 0, $"no tile on {right.Address(node)}"));
            Assert.Equal(3, byNode.Count);
            Assert.Equal(encryptor.Statistics.Plan.Tiles + encryptor.Statistics.Plan.EncryptBlocks, byNode.Values.Sum());
        });
    }

    [Fact]
    public async Task ANodeWithThePeersCertificateIsRefusedTheSetUpAndComputesNoTile()
    {
        await using var right = await ClusterParty.Start(workers: 1, extra: NoSpuriousDowning, tls: i => certs.MisconfiguredNode(certs.Nodes[i]));
        await right.ExplainFailure(async () =>
        {
            var legitimate = right.Workers[0];

            // A's nodes wrongly list the peer's pin among their party pins, so this node joins A's cluster as a worker
            // node; only the attestation tells it apart.
            // Not UntilMembers(3): the session node's member guard may down it as soon as it is up.
            var rogue = await right.AddWorker(nodeTls: PeersCertificate, untilUp: false);
            var rogueAddress = Akka.Cluster.Cluster.Get(rogue).SelfAddress;
            var members = Akka.Cluster.Cluster.Get(right.Session);
            Assert.True(Joined(members, rogue), "the node with the peer's certificate never joined");
            var rogueHadSetUp = false;
            var hold = right.HoldUntilWorkersReady([legitimate]);
            var refused = false;
            var (evaluator, encryptor) = await Run(right, tile =>
            {
                // Attestation runs while a session does: the tiles wait until the session has refused and downed the
                // node, however quickly the rest of the run would end.
                refused = refused || SpinWait.SpinUntil(
                    () => !members.State.Members.Any(m => m.Address.Equals(rogueAddress) && m.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(20));
                var held = hold(tile);
                rogueHadSetUp |= !rogue.WhenTerminated.IsCompleted && Tiles.TileContexts.For(rogue).Find(tile.SessionId) is not null;
                return held;
            });

            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            Assert.False(rogueHadSetUp, "the node with the peer's certificate assembled the session's set-up");
            Assert.False(encryptor.Statistics.TilesByNode.ContainsKey(rogueAddress.ToString()), "the node with the peer's certificate computed tiles");
            Assert.True(encryptor.Statistics.TilesByNode.GetValueOrDefault(right.Address(legitimate)) > 0, "the attested worker node computed no tile");
            Assert.Equal(encryptor.Statistics.Plan.Tiles + encryptor.Statistics.Plan.EncryptBlocks, encryptor.Statistics.TilesByNode.Values.Sum());

            // Refused members are downed: the node leaves the party's membership.
            Assert.True(refused, "the node with the peer's certificate was not downed during the session");
            Assert.True(
                SpinWait.SpinUntil(() => !members.State.Members.Any(m => m.Address.Equals(rogueAddress)), RemovalWait),
                "the refused node is still a member");
        });
    }

    [Fact]
    public async Task ANodeWithThePeersCertificateIsDownedAsSoonAsItJoinsWithNoSessionRunning()
    {
        await using var right = await ClusterParty.Start(workers: 1, extra: NoSpuriousDowning, tls: i => certs.MisconfiguredNode(certs.Nodes[i]));
        await right.ExplainFailure(async () =>
        {
            var members = Akka.Cluster.Cluster.Get(right.Session);
            var rogue = await right.AddWorker(nodeTls: PeersCertificate, untilUp: false);
            var rogueAddress = Akka.Cluster.Cluster.Get(rogue).SelfAddress;

            // No session runs: only the session node's member guard attests members now. The guard acts when the
            // session node sees the member up, so the session node lists it first (or it was downed and is gone);
            // without the guard it would stay a member for good.
            Assert.True(Joined(members, rogue), "the node with the peer's certificate never joined");
            Assert.True(
                SpinWait.SpinUntil(() => !members.State.Members.Any(m => m.Address.Equals(rogueAddress)), RemovalWait),
                "the node with the peer's certificate is still a member with no session running");
            var legitimate = Akka.Cluster.Cluster.Get(right.Workers[0]).SelfAddress;
            Assert.Contains(members.State.Members, m => m.Address.Equals(legitimate) && m.Status == Akka.Cluster.MemberStatus.Up);
        });
    }

    [Fact]
    public async Task AMemberThatRegistersWorkersWithoutAttestingIsSentNoTile()
    {
        await using var right = await ClusterParty.Start(workers: 0, extra: NoSpuriousDowning, tls: i => certs.MisconfiguredNode(certs.Nodes[i]));
        await right.ExplainFailure(async () =>
        {
            var tilesReceived = 0;
            var rogue = await right.AddWorker(
                nodeTls: PeersCertificate,
                agent: system => system.ActorOf(Props.Create(() => new RegisteringAgent(() => Interlocked.Increment(ref tilesReceived))), Cluster.TileNode.Name));
            await right.UntilMembers(2);
            var rogueAddress = Akka.Cluster.Cluster.Get(rogue).SelfAddress;
            var (evaluator, encryptor) = await Run(right, _ => false);

            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(evaluator.Share!, encryptor.Share!, ShareDomain.Ring64).Data);
            Assert.Equal(0, Volatile.Read(ref tilesReceived));
            Assert.Equal([right.Address(right.Session)], encryptor.Statistics.TilesByNode.Keys);
            Assert.Equal(0, encryptor.Statistics.TilesRequeued);
            var members = Akka.Cluster.Cluster.Get(right.Session);
            Assert.True(
                SpinWait.SpinUntil(() => !members.State.Members.Any(m => m.Address.Equals(rogueAddress)), RemovalWait),
                "the refused node is still a member");
        });
    }

    /// <summary>These tests are about attestation (a refused member is downed by the coordinator itself), not failure
    /// detection: a tolerant detector keeps a loaded machine's slow heartbeats (two cores, TLS, other tests) from having
    /// the resolver down a legitimate node mid-session. Info level: a failure's message then carries the nodes' cluster events.</summary>
    internal static readonly Akka.Configuration.Config NoSpuriousDowning = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 10s
        akka.cluster.split-brain-resolver.stable-after = 10s
        akka.loglevel = INFO
        """);

    /// <summary>A node with the peer's certificate that pins the session node; only a misconfigured party's cluster
    /// listener accepts it.</summary>
    private PartyTls PeersCertificate => new(certs.Peer, [ClusterCertificates.Pin(certs.Nodes[0])], certs.Nodes.Select(ClusterCertificates.Pin));

    /// <summary>How long a downed member may take to leave the membership: with the tolerant detector, a downed node that
    /// never heard of its own Down is removed once it is found unreachable (10 s pause) and the members converge.</summary>
    private static readonly TimeSpan RemovalWait = TimeSpan.FromSeconds(60);

    /// <summary>True once the session node lists the node as a member, or the node was downed and stopped (30 s at most).</summary>
    private static bool Joined(Akka.Cluster.Cluster members, ActorSystem node)
    {
        var address = Akka.Cluster.Cluster.Get(node).SelfAddress;
        return SpinWait.SpinUntil(() => node.WhenTerminated.IsCompleted || members.State.Members.Any(m => m.Address.Equals(address)), TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs the encryptor cluster, calling a single-node TLS evaluator B that pins A's session node.</summary>
    private async Task<(PartyResult Evaluator, PartyResult Encryptor)> Run(ClusterParty right, Func<Tiles.Tile, bool> faultInjection)
    {
        var port = TwoParties.FreePort();
        var endpoint = new PartyEndpoint("127.0.0.1", port) { Tls = new PartyTls(certs.Peer, [ClusterCertificates.Pin(certs.Nodes[0])]) };
        var peer = DuetParty.RunAsync(PartyClusterTests.Settings(OperandSide.Left, keys.Left), x, endpoint, extraConfig: PartyClusterTests.Single.WithFallback(ClusterParty.Test));
        // Every tile of a worker node is computed again and compared: encryptions and decryptions are repeatable too.
        var encryptor = await right.Run(PartyClusterTests.Settings(OperandSide.Right, keys.Right) with { FaultInjection = faultInjection, RecheckFraction = 1 }, y, DuetParty.GatewayPathFor($"127.0.0.1:{port}", tls: true));
        return (await peer, encryptor);
    }

    /// <summary>A member's agent that answers the attestation challenge with a worker registration instead, and counts
    /// the tiles it is sent.</summary>
    private sealed class RegisteringAgent : ReceiveActor
    {
        public RegisteringAgent(Action tileReceived)
        {
            Receive<Cluster.AttestChallenge>(challenge => Sender.Tell(new Cluster.WorkerReady(challenge.SessionId, 2)));
            Receive<Tiles.Tile>(_ => tileReceived());
            ReceiveAny(_ => { });
        }
    }
}
