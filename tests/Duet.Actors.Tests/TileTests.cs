using System.Numerics;
using System.Runtime.Serialization;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace Duet.Actors.Tests;

/// <summary>Tiles as plain messages: their wire form, their computation without actors, and the lifetime of the
/// per-session context they are computed with.</summary>
public sealed class TileTests(WireSystemFixture fixture, RuntimeKeys keys) : IClassFixture<WireSystemFixture>, IClassFixture<RuntimeKeys>
{
    private static readonly Guid Id = Guid.NewGuid();

    public static TheoryData<ITileMessage> Samples() =>
    [
        new EncryptTile(Id, 3, 1, 120, 40),
        new EvaluateTile(Id, 7, 2, 3, [1, -2, 3, long.MinValue, long.MaxValue, 0]),
        new EvaluateTile(Id, 8, 1, 0, []),
        new DecryptTile(Id, 0, 3, 0, 2, [.. Enumerable.Range(0, 16).Select(i => (byte)i)]),
        new EncryptResult(Id, 4, 1, [9, 8, 7]),
        new EvaluateResult(Id, 5, 1, [1, 2, 3, 4], 6, 16, 2, [-(BigInteger.One << 90), 0, 5, -1]),
        new DecryptResult(Id, 1, 2, 0, 8, 3, [1, 2, 3, BigInteger.One << 70, -7, 0]),
        new TileFailed(Id, 2, 3, TileKind.Decrypt, TileFailure.InvalidCiphertext, "the unit check failed: Ærø"),
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryTileMessageRoundTripsThroughTheConfiguredSerializer(ITileMessage message)
    {
        var serialization = fixture.System.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<DuetSerializer>(serializer);
        var manifest = AkkaSerialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = Assert.IsAssignableFrom<ITileMessage>(serialization.Deserialize(bytes, serializer.Identifier, manifest));

        Assert.IsType(message.GetType(), back);
        Assert.Equal((message.SessionId, message.Index, message.Attempt), (back.SessionId, back.Index, back.Attempt));
        Assert.Equal(bytes, serializer.ToBinary(back));
        Assert.Equal(Fields(message), Fields(back));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void TruncatedOrExtendedTileBytesAreRefused(ITileMessage message)
    {
        var manifest = DuetSerializer.ManifestFor(message);
        var bytes = DuetSerializer.Encode(message);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes.AsSpan(0, bytes.Length - 1), manifest));
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode([.. bytes, 0], manifest));
    }

    [Fact]
    public void ATileMessageIsNotAPeerMessage()
    {
        Assert.IsNotAssignableFrom<Protocol.IProtocolMessage>(new EvaluateTile(Id, 0, 1, 0, []));
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(DuetSerializer.Encode(new EvaluateTile(Id, 0, 1, 0, [])), "XX"));
    }

    [Fact]
    public void TilesAloneComputeBothSharesOfTheProduct()
    {
        var random = new Random(7);
        var x = TwoParties.Random(random, 9, 4, 16);
        var y = TwoParties.Random(random, 4, 3, 16);
        var key = keys.Right;
        var plan = PackingPlan.Create(9, 4, 3, 16, 16, key.PublicKey.Bits);
        var encryptor = TestKits.Encryptor(plan, y, key);

        var encrypted = new byte[plan.EncryptedCount * key.PublicKey.CiphertextBytes];
        for (var block = 0; block < plan.EncryptBlocks; block++)
        {
            var (first, count) = plan.EncryptBlock(block);
            var result = Assert.IsType<EncryptResult>(TileComputation.Compute(encryptor, new EncryptTile(Id, block, 1, first, count)));
            result.Ciphertexts.CopyTo(encrypted, first * key.PublicKey.CiphertextBytes);
        }

        using var kernels = TestKits.EvaluatorKernels(plan, key.PublicKey.ToBytes(), encrypted, key.PublicKey.Bits);
        var evaluator = new EvaluatorKit(kernels, Crypto.RandomStream.NewSeed(), Fault: null);
        var evaluatorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var encryptorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            var evaluated = Assert.IsType<EvaluateResult>(TileComputation.Compute(evaluator, Band(x, plan, tile)));
            evaluated.CopyInto(evaluatorShare);
            var (first, count) = plan.TileResults(tile);
            var decrypted = Assert.IsType<DecryptResult>(TileComputation.Compute(encryptor, new DecryptTile(Id, tile, 1, first, count, evaluated.Ciphertexts)));
            decrypted.CopyInto(encryptorShare);
        }

        Assert.Equal(Shares.Product(x, y).Data, Shares.Reconstruct(encryptorShare, evaluatorShare, ShareDomain.Integer).Data);

        // A band that is not the tile's rows (one row short, or rows of another width) fails the tile, never computes.
        var wrong = Band(x, plan, 0);
        var shortBand = Assert.IsType<TileFailed>(TileComputation.Compute(evaluator, wrong with { X = wrong.X[..^wrong.XColumns] }));
        Assert.Contains("its rows need", shortBand.Detail, StringComparison.Ordinal);
        Assert.IsType<TileFailed>(TileComputation.Compute(evaluator, wrong with { XColumns = 1 }));
    }

    [Fact]
    public void ABandOfXOutOfShapeIsRefusedByTheCodec()
    {
        // Entries that do not fill whole rows, and entries without a row length, are refused on both sides of the wire.
        foreach (var bad in new[] { new EvaluateTile(Id, 0, 1, 3, [1, 2, 3, 4]), new EvaluateTile(Id, 0, 1, 0, [1]), new EvaluateTile(Id, 0, 1, -1, []) })
        {
            Assert.Throws<SerializationException>(() => DuetSerializer.Encode(bad));
        }

        var bytes = DuetSerializer.Encode(new EvaluateTile(Id, 0, 1, 2, [1, 2, 3, 4]));
        var columnsAt = PeerCodec.Header + sizeof(int) + (2 * sizeof(int)); // after the (empty) capability, Index and Attempt
        BitConverter.GetBytes(3).CopyTo(bytes, columnsAt);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, TileCodec.EvaluateTileManifest));
        BitConverter.GetBytes(2).CopyTo(bytes, columnsAt);
        BitConverter.GetBytes(6).CopyTo(bytes, columnsAt + sizeof(int));
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, TileCodec.EvaluateTileManifest));
        BitConverter.GetBytes(4).CopyTo(bytes, columnsAt + sizeof(int));
        Assert.Equal([1L, 2, 3, 4], Assert.IsType<EvaluateTile>(DuetSerializer.Decode(bytes, TileCodec.EvaluateTileManifest)).X);
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(127L, 1)]
    [InlineData(-128L, 1)]
    [InlineData(128L, 2)]
    [InlineData(-129L, 2)]
    [InlineData(int.MaxValue, 4)]
    [InlineData(int.MinValue, 4)]
    [InlineData(1L + int.MaxValue, 5)]
    [InlineData(long.MinValue, 8)]
    [InlineData(long.MaxValue, 8)]
    public void ABandOfXTravelsInTheBytesItsWidestEntryNeeds(long widest, int width)
    {
        long[] x = [widest, 0, -1, 1, widest / 3, -(widest / 5)];
        var bytes = DuetSerializer.Encode(new EvaluateTile(Id, 0, 1, 2, x));
        var header = DuetSerializer.Encode(new EvaluateTile(Id, 0, 1, 0, [])).Length;
        Assert.Equal(header + (x.Length * width), bytes.Length);
        Assert.Equal(x, Assert.IsType<EvaluateTile>(DuetSerializer.Decode(bytes, TileCodec.EvaluateTileManifest)).X);

        var widthAt = header - 1;
        foreach (var bad in new byte[] { 0, 9 })
        {
            var changed = bytes.ToArray();
            changed[widthAt] = bad;
            Assert.Throws<SerializationException>(() => DuetSerializer.Decode(changed, TileCodec.EvaluateTileManifest));
        }

        var older = bytes.ToArray();
        older[0] = WireLimits.FormatVersion;
        Assert.Contains("version 1 is not supported", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(older, TileCodec.EvaluateTileManifest)).Message, StringComparison.Ordinal);
    }

    /// <summary>The evaluation tile as the session sends it: with the rows of X its band covers.</summary>
    private static EvaluateTile Band(Matrix<long> x, PackingPlan plan, int tile)
    {
        var band = plan.Band(tile);
        return new EvaluateTile(Id, tile, 1, x.Columns, x.Data[(band.FirstRow * x.Columns)..((band.FirstRow + band.Rows) * x.Columns)]);
    }

    [Fact]
    public void ACorruptedCiphertextFailsItsTileAsInvalidAndAFaultAsRetryable()
    {
        var key = keys.Right;
        var plan = PackingPlan.Create(4, 2, 2, 16, 16, key.PublicKey.Bits);
        var (first, count) = plan.TileResults(0);
        var kit = TestKits.Encryptor(plan, new Matrix<long>(2, 2), key, tile => tile.Attempt == 1);
        var zeros = new DecryptTile(Id, 0, 2, first, count, new byte[count * key.PublicKey.CiphertextBytes]);
        Assert.Equal(TileFailure.InvalidCiphertext, Assert.IsType<TileFailed>(TileComputation.Compute(kit, zeros)).Failure);
        var faulty = Assert.IsType<TileFailed>(TileComputation.Compute(kit, zeros with { Attempt = 1 }));
        Assert.Equal((TileFailure.Fault, TileKind.Decrypt), (faulty.Failure, faulty.Kind));
        Assert.Contains("injected", faulty.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AContextDisposesWhatItOwnsOnlyAfterItsLastLease()
    {
        var context = new TileContext(Id, SessionCapability.New());
        var first = new Disposable();
        var second = new Disposable(first);
        context.Own(first);
        context.Own(second);
        Assert.True(context.TryAcquire());
        context.Retire();
        Assert.False(context.TryAcquire());
        Assert.False(first.Disposed || second.Disposed || context.IsDisposed || context.Disposal.IsCompleted);
        context.Release();
        Assert.True(first.Disposed && second.Disposed && context.IsDisposed && context.Disposal.IsCompletedSuccessfully);

        var late = new Disposable();
        context.Own(late);
        Assert.True(late.Disposed);
        Assert.Throws<InvalidOperationException>(context.Release);
    }

    [Fact]
    public void TheNodeCacheHoldsOneContextPerSessionAndRetiresItOnClose()
    {
        var contexts = TileContexts.For(fixture.System);
        var id = Guid.NewGuid();
        var context = contexts.Open(id);
        Assert.Same(context, contexts.Find(id));
        Assert.Throws<InvalidOperationException>(() => contexts.Open(id));
        var residue = keys.Left.Context.Arithmetic.NewResidue();
        context.Own(residue);
        contexts.Close(id);
        Assert.Null(contexts.Find(id));
        Assert.True(residue.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => keys.Left.Context.Arithmetic.Multiply(residue, residue, residue));
    }

    private static object[] Fields(ITileMessage message) => message switch
    {
        EncryptTile t => [t.First, t.Count],
        EvaluateTile t => [t.XColumns, string.Join(',', t.X)],
        DecryptTile t => [t.First, t.Count, Convert.ToHexString(t.Ciphertexts)],
        EncryptResult r => [Convert.ToHexString(r.Ciphertexts)],
        EvaluateResult r => [Convert.ToHexString(r.Ciphertexts), r.FirstRow, r.FirstColumn, r.Columns, string.Join(',', r.Share)],
        DecryptResult r => [r.FirstRow, r.FirstColumn, r.Columns, string.Join(',', r.Share)],
        TileFailed f => [f.Kind, f.Failure, f.Detail],
        _ => throw new ArgumentException(message.GetType().Name),
    };

    /// <summary>Records its disposal, and checks that whatever it depends on is still alive then (newest first).</summary>
    private sealed class Disposable(Disposable? dependsOn = null) : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose()
        {
            Assert.False(dependsOn?.Disposed ?? false, "disposed after what it depends on");
            Disposed = true;
        }
    }
}
