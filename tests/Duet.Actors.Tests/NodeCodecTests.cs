using System.Runtime.Serialization;
using Duet.Actors.Cluster;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

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
    public void ABfvSetUpCarriesTheLinkHintItsPlanWasMadeFor()
    {
        // At 20 Mbit/s this product's plan differs from the default's: a node must rebuild the same one.
        var plan = CoefficientPlan.Create(2000, 100, 10, 16, 16, linkMbps: 20);
        Assert.NotEqual(CoefficientPlan.Create(2000, 100, 10, 16, 16), plan);
        var y = new Matrix<long>(100, 10, new long[1000]);
        var kernels = MatrixSchemes.Of(Scheme.Bfv).CreateEncryptor(plan, y, new EncryptorKeying(RandomStream.NewSeed(), RandomStream.NewSeed(), null, KeyForm.Standard, 0));
        var setup = NodeSetup.ForEncryptor(Session, kernels, y, EncryptionSeed) with { Capability = SessionCapability.New() };
        var decoded = NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(setup), long.MaxValue);
        Assert.Equal(plan, decoded.Plan);
        Assert.Equal(20, ((CoefficientPlan)decoded.Plan).LinkMbps);
    }

    [Fact]
    public void AnEncryptorSetUpRoundTripsAndRebuildsItsKit()
    {
        var y = new Matrix<long>(3, 2, [1, -2, 3, -4, 5, -6]);
        var setup = NodeSetup.ForEncryptor(Session, TestKits.EncryptorKernels(Plan, y, keys.Right), y, EncryptionSeed) with { Capability = SessionCapability.New() };
        var parts = setup.Parts(100).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.InRange(p.Bytes.Length, 1, 100));
        var decoded = NodeCodec.DecodeSetup(parts.SelectMany(p => p.Bytes).ToArray(), long.MaxValue);
        Assert.Equal((Session, true, Plan), (decoded.SessionId, decoded.IsEncryptor, decoded.Plan));
        Assert.Equal(y.Data, decoded.Operand!.Data);
        Assert.Equal(EncryptionSeed, decoded.Seed);

        var context = new TileContext(Session, SessionCapability.New());
        var kit = Assert.IsType<EncryptorKit>(NodeKit.Build(decoded, context, PartySettings.Defaults with { MinKeyBits = 1024 }));
        Assert.Equal(keys.Right.PublicKey.ToBytes(), kit.Kernels.PublicKey);
        context.Retire();
        Assert.True(context.IsDisposed);
    }

    [Fact]
    public void AnEvaluatorSetUpBuildsItsTablesAndOneWithATamperedCiphertextIsRefused()
    {
        var key = keys.Left.PublicKey;
        var width = key.CiphertextBytes;
        var encrypted = TestKits.EncryptAll(TestKits.EncryptorKernels(Plan, new Matrix<long>(3, 2, [1, -2, 3, -4, 5, -6]), keys.Left));
        using var owner = TestKits.EvaluatorKernels(Plan, key.ToBytes(), encrypted, key.Bits);
        var setup = NodeSetup.ForEvaluator(Session, owner, Crypto.RandomStream.NewSeed()) with { Capability = SessionCapability.New() };
        Assert.Equal(Plan.EncryptedCount * width, setup.Ciphertexts.Length);
        var context0 = new TileContext(Session, SessionCapability.New());
        Assert.IsType<EvaluatorKit>(NodeKit.Build(NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(setup), long.MaxValue), context0, PartySettings.Defaults with { MinKeyBits = 1024 }));
        context0.Retire();
        var tampered = setup with { Ciphertexts = [.. setup.Ciphertexts] };
        tampered.Ciphertexts.AsSpan(0, width).Fill(0xFF);
        var decoded = NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(tampered), long.MaxValue);
        var context = new TileContext(Session, SessionCapability.New());
        Assert.Throws<Crypto.InvalidCiphertextException>(() => NodeKit.Build(decoded, context, PartySettings.Defaults with { MinKeyBits = 1024 }));
        context.Retire();
    }

    [Fact]
    public void ASetUpWhoseOperandDoesNotFitThePlanOrThatHasTrailingBytesIsRefused()
    {
        var good = NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, TestKits.EncryptorKernels(Plan, new Matrix<long>(3, 2), keys.Right), new Matrix<long>(3, 2), EncryptionSeed) with { Capability = SessionCapability.New() });
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup([.. good, 0], long.MaxValue));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(good.AsSpan(0, good.Length - 1), long.MaxValue));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(good, maxOperandEntries: 5));
        Assert.Throws<SerializationException>(() => NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, TestKits.EncryptorKernels(Plan, new Matrix<long>(3, 2), keys.Right), new Matrix<long>(2, 3), EncryptionSeed) with { Capability = SessionCapability.New() }));
        Assert.Throws<SerializationException>(() => NodeCodec.DecodeSetup(NodeCodec.EncodeSetup(NodeSetup.ForEncryptor(Session, TestKits.EncryptorKernels(Plan, new Matrix<long>(3, 2), keys.Right), new Matrix<long>(3, 2), [1, 2]) with { Capability = SessionCapability.New() }), long.MaxValue));
    }
}
