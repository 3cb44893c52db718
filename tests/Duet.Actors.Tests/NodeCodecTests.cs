using Duet.Crypto;
using System.Runtime.Serialization;
using Duet.Actors.Cluster;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The messages between a party's nodes and the session set-up they carry: exact round trips, and every
/// malformed or inconsistent encoding refused before anything is built from it.</summary>
public sealed class NodeCodecTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private static readonly Guid Session = Guid.NewGuid();
    private static readonly PackingPlan Plan = PackingPlan.Create(6, 3, 2, 16, 16, 1024);
    private static readonly byte[] EncryptionSeed = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void NodeMessagesRoundTrip()
    {
        foreach (INodeMessage message in new INodeMessage[] { new WorkerReady(Session, 2), new SetupPart(Session, 1, 3, [1, 2, 3]) })
        {
            var decoded = DuetSerializer.Decode(DuetSerializer.Encode(message), DuetSerializer.ManifestFor(message));
            Assert.Equal(DuetSerializer.Encode(message), DuetSerializer.Encode(decoded));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WorkerReady.MaxCredits + 1)]
    public void CreditsOutOfRangeAreRefused(int credits)
    {
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(new WorkerReady(Session, credits)));
        var bytes = DuetSerializer.Encode(new WorkerReady(Session, 1));
        BitConverter.GetBytes(credits).CopyTo(bytes, PeerCodec.Header);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, NodeCodec.WorkerReadyManifest));
    }

    [Fact]
    public void APartBeyondItsCountIsRefused()
    {
        var bytes = DuetSerializer.Encode(new SetupPart(Session, 1, 2, [7]));
        BitConverter.GetBytes(2).CopyTo(bytes, PeerCodec.Header + sizeof(int));
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, NodeCodec.SetupPartManifest));
    }

    [Fact]
    public void AnEncryptorSetUpRoundTripsAndRebuildsItsKit()
    {
        var y = new Matrix<long>(3, 2, [1, -2, 3, -4, 5, -6]);
        var setup = NodeSetup.ForEncryptor(Session, Plan, y, keys.Right, EncryptionSeed) with { Capability = SessionCapability.New() };
        var parts = setup.Parts(100).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.InRange(p.Bytes.Length, 1, 100));
        var decoded = NodeCodec.DecodeSetup(parts.SelectMany(p => p.Bytes).ToArray(), long.MaxValue);
        Assert.Equal((Session, true, Plan), (decoded.SessionId, decoded.IsEncryptor, decoded.Plan));
        Assert.Equal(y.Data, decoded.Operand!.Data);
        Assert.Equal(EncryptionSeed, decoded.Seed);

        var context = new TileContext(Session, SessionCapability.New());
        var kit = Assert.IsType<EncryptorKit>(NodeKit.Build(decoded, context, PartySettings.Defaults with { MinKeyBits = 1024 }));
        Assert.Equal(keys.Right.PublicKey.N, kit.Encryptor.Key.N);
        context.Retire();
        Assert.True(context.IsDisposed);
    }

    [Fact]
    public void AnEvaluatorSetUpBuildsItsTablesAndOneWithATamperedCiphertextIsRefused()
    {
        var key = keys.Left.PublicKey;
        var owner = new TileContext(Session, SessionCapability.New());
        var operands = ResidueArray.Create(key, Plan.EncryptedCount, owner);
        var encryptor = new Crypto.Paillier.Encryptor(key);
        var width = key.CiphertextBytes;
        for (var i = 0; i < operands.Length; i++)
        {
            encryptor.Encrypt(i, operands[i]);
        }

        var setup = NodeSetup.ForEvaluator(Session, Plan, key, operands, Crypto.RandomStream.NewSeed()) with { Capability = SessionCapability.New() };
        Assert.Equal(operands.Length * width, setup.Ciphertexts.Length);
        var context0 = new TileContext(Session, SessionCapability.New());
        Assert.IsType<EvaluatorKit>(NodeKit.Build(NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(setup), long.MaxValue), context0, PartySettings.Defaults with { MinKeyBits = 1024 }));
        context0.Retire();
        var tampered = setup with { Ciphertexts = [.. setup.Ciphertexts] };
        tampered.Ciphertexts.AsSpan(0, width).Fill(0xFF);
        var decoded = NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(tampered), long.MaxValue);
        var context = new TileContext(Session, SessionCapability.New());
        Assert.Throws<Crypto.InvalidCiphertextException>(() => NodeKit.Build(decoded, context, PartySettings.Defaults with { MinKeyBits = 1024 }));
        context.Retire();
        owner.Retire();
    }

    [Fact]
    public void ASetUpWhoseOperandDoesNotFitThePlanOrThatHasTrailingBytesIsRefused()
    {
        var good = NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, Plan, new Matrix<long>(3, 2), keys.Right, EncryptionSeed) with { Capability = SessionCapability.New() });
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup([.. good, 0], long.MaxValue));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(good.AsSpan(0, good.Length - 1), long.MaxValue));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(good, maxOperandEntries: 5));
        Assert.Throws<SerializationException>(() => NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, Plan, new Matrix<long>(2, 3), keys.Right, EncryptionSeed) with { Capability = SessionCapability.New() }));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, Plan, new Matrix<long>(3, 2), keys.Right, [1, 2]) with { Capability = SessionCapability.New() }), long.MaxValue));
    }
}
