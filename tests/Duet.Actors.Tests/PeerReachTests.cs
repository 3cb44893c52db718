using Akka.Actor;
using Akka.TestKit.Xunit2;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>
/// The pinned peer, from its own session's link, addresses every internal actor of the other party it can guess (the
/// coordinator and workers under the session's path and at the top, node agents, in both of the party's system names)
/// with <see cref="Identify"/>, a <see cref="DecryptTile"/> (the decryption oracle), an <see cref="EvaluateTile"/>,
/// a forged result and a worker registration, while that party's session runs. It gets no answer but "no such actor",
/// nothing is computed for it, the tile messages are refused on the peer-facing system, and the session still
/// completes exactly. Both directions: the evaluator attacking the encryptor, and the encryptor the evaluator.
/// </summary>
public sealed class PeerReachTests(RuntimeKeys keys) : TestKit, IClassFixture<RuntimeKeys>
{
    private static readonly Random Seeded = new(31);

    [Theory]
    [InlineData(RolePreference.Encryptor)]
    [InlineData(RolePreference.Evaluator)]
    public async Task ThePeerReachesNothingButTheSessionProtocol(RolePreference victimRole)
    {
        var x = TwoParties.Random(Seeded, 40, 3, 16);
        var y = TwoParties.Random(Seeded, 3, 5, 16);
        var port = TwoParties.FreePort();
        var victim = PartySystems.Create(new PartyEndpoint("127.0.0.1", port), null);
        var attacker = PartySystems.Create(new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null);
        var bystander = ActorSystem.Create("bystander", DuetParty.SystemConfig(new PartyEndpoint("127.0.0.1", 0)));
        try
        {
            var attack = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
            var attacked = new ManualResetEventSlim();
            var victimSettings = TwoParties.Settings(OperandSide.Right, keys.Right) with
            {
                Role = victimRole,

                // The victim's first tile waits while the attack runs: its session, coordinator and workers are alive.
                FaultInjection = tile =>
                {
                    if (attack.TrySetResult(tile.SessionId))
                    {
                        attacked.Wait(TimeSpan.FromSeconds(60));
                    }

                    return false;
                },
            };
            var attackerSettings = TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = RolePreference.Auto };
            var victimRun = DuetParty.RunOn(victim, victimSettings, new MatrixRows(y), null, null, CancellationToken.None);
            var attackerRun = DuetParty.RunOn(attacker, attackerSettings, new MatrixRows(x), DuetParty.GatewayPathFor($"127.0.0.1:{port}"), null, CancellationToken.None);

            var sessionId = await attack.Task.WaitAsync(TimeSpan.FromSeconds(30));
            try
            {
                // Over the session's own link; and the party system's name from a bystander's system: a second
                // association between the two peer systems under another name would only confuse the attacker's own link.
                Attack(attacker.Peer, $"127.0.0.1:{port}", PartyEndpoint.SystemName, sessionId);
                Attack(bystander, $"127.0.0.1:{port}", PartyCluster.SystemName, sessionId);
            }
            finally
            {
                attacked.Set();
            }

            var (a, b) = (await attackerRun, await victimRun);
            Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);

            // Nothing was computed beyond the session's own tiles.
            Assert.Equal(b.Statistics.Plan.Tiles + (b.Statistics.IsEncryptor ? b.Statistics.Plan.EncryptBlocks : 0), b.Statistics.TilesByNode.Values.Sum());

            // Every tile and node message reached the victim's peer-facing system and was refused there, undecoded.
            var serializer = Assert.IsType<DuetSerializer>(victim.Peer.Serialization.FindSerializerForType(typeof(Hello)));
            Assert.Equal(2 * Paths.Length * Internal(sessionId).Length, serializer.Refused);
        }
        finally
        {
            await Task.WhenAll(victim.ShutdownAsync(), attacker.ShutdownAsync(), bystander.Terminate());
        }
    }

    [Fact]
    public async Task ThePeerFacingSystemDecodesNoMessageWhoseBytesNameTheirType()
    {
        var systems = PartySystems.Create(new PartyEndpoint("127.0.0.1", 0), null);
        try
        {
            var serialization = systems.Peer.Serialization;
            var json = Assert.IsType<PeerFacingJsonSerializer>(serialization.FindSerializerForType(typeof(List<int>)));
            var bytes = json.ToBinary(new List<int> { 1, 2 });
            Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serialization.Deserialize(bytes, json.Identifier, typeof(List<int>)));

            // The party's own system keeps Akka's serializer.
            Assert.IsNotType<PeerFacingJsonSerializer>(systems.Party.Serialization.FindSerializerForType(typeof(List<int>)));
        }
        finally
        {
            await systems.ShutdownAsync();
        }
    }

    /// <summary>Internal paths a peer could guess: the old layout's coordinator and workers under the session, and what
    /// a party's own system or a node might hold.</summary>
    private static readonly string[] Paths =
    [
        .. new[] { "/user/gateway/session/tiles", "/user/gateway/tiles", "/user/tiles", "/user/duet-node", "/user/member-guard", "/user/$a", "/user/$b" },
        .. Enumerable.Range('a', 26).Select(c => $"/user/gateway/session/tiles/${(char)c}"),
    ];

    private static object[] Internal(Guid sessionId) =>
    [
        new DecryptTile(sessionId, 0, 1, 0, 1, new byte[256]),
        new EvaluateTile(sessionId, 0, 1, 3, new long[3]),
        new EncryptResult(sessionId, 0, 1, new byte[256]),
        new WorkerReady(sessionId, 2),
    ];

    /// <summary>Sends an Identify and every internal message to every guessed path under the system name at the victim's
    /// address, from a probe on <paramref name="from"/>, and expects nothing back but "no such actor".</summary>
    private void Attack(ActorSystem from, string victim, string system, Guid sessionId)
    {
        var probe = CreateTestProbe(from);
        var provider = ((ExtendedActorSystem)from).Provider;
        var identifies = 0;
        foreach (var path in Paths)
        {
            var target = provider.ResolveActorRef($"akka.tcp://{system}@{victim}{path}");
            target.Tell(new Identify(path), probe.Ref);
            identifies++;
            foreach (var message in Internal(sessionId))
            {
                target.Tell(message, probe.Ref);
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        for (var answered = 0; answered < identifies;)
        {
            var reply = probe.ReceiveOne(deadline - DateTime.UtcNow);
            if (reply is null)
            {
                break;
            }

            var identity = Assert.IsType<ActorIdentity>(reply);
            Assert.True(identity.Subject is null, $"{identity.MessageId} answered as {identity.Subject}");
            answered++;
        }

        probe.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }
}
