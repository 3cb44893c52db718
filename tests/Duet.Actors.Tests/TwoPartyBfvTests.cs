using Duet.Crypto.Schemes;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>BFV sessions through the actor runtime: two real parties on loopback, the same phases, tiles and
/// transcript as Paillier, and every failure a typed abort on both sides.</summary>
public sealed class TwoPartyBfvTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private readonly Random random = new(15);

    public static TheoryData<int, int, int, RolePreference, RolePreference, ShareDomain, Reveal> Cases() => new()
    {
        { 7, 4, 3, RolePreference.Auto, RolePreference.Auto, ShareDomain.Ring64, Reveal.None },
        { 3, 4, 9, RolePreference.Auto, RolePreference.Auto, ShareDomain.Integer, Reveal.Both },
        { 40, 5, 1, RolePreference.Encryptor, RolePreference.Auto, ShareDomain.Ring64, Reveal.Left },
        { 1, 6, 30, RolePreference.Auto, RolePreference.Evaluator, ShareDomain.Integer, Reveal.Right },
        { 300, 40, 20, RolePreference.Auto, RolePreference.Auto, ShareDomain.Integer, Reveal.Both },
        { 20, 40, 300, RolePreference.Auto, RolePreference.Auto, ShareDomain.Ring64, Reveal.Left },
        { 200, 64, 16, RolePreference.Evaluator, RolePreference.Encryptor, ShareDomain.Ring64, Reveal.Both },
    };

    private static PartySettings Bfv(OperandSide side) => TwoParties.Settings(side, key: null) with { Scheme = Scheme.Bfv };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReconstructedProductIsExact(int m, int k, int n, RolePreference leftRole, RolePreference rightRole, ShareDomain domain, Reveal reveal)
    {
        var left = TwoParties.Random(random, m, k, 16);
        var right = TwoParties.Random(random, k, n, 16);
        var (a, b) = await TwoParties.Run(
            left, Bfv(OperandSide.Left) with { Role = leftRole, Domain = domain, Reveal = reveal },
            right, Bfv(OperandSide.Right) with { Role = rightRole, Domain = domain, Reveal = reveal });

        var expectedEncryptor = (leftRole, rightRole) switch
        {
            (RolePreference.Encryptor, _) or (_, RolePreference.Evaluator) => OperandSide.Left,
            (RolePreference.Evaluator, _) or (_, RolePreference.Encryptor) => OperandSide.Right,
            _ => Orientation.BySize(m, k, k, n).Encryptor,
        };
        var expected = Shares.Product(left, right);
        Assert.Equal((expectedEncryptor, expectedEncryptor), (a.Statistics.Encryptor, b.Statistics.Encryptor));
        Assert.NotEqual(a.Statistics.IsEncryptor, b.Statistics.IsEncryptor);
        Assert.Equal(Scheme.Bfv, a.Statistics.Plan.Scheme);
        Assert.Equal(expected.Data, Shares.Reconstruct(a.Share!, b.Share!, domain).Data);
        Assert.Equal(reveal.ReachesSide(OperandSide.Left), a.Product is not null);
        Assert.Equal(reveal.ReachesSide(OperandSide.Right), b.Product is not null);
        foreach (var product in new[] { a.Product, b.Product }.OfType<Matrix<System.Numerics.BigInteger>>())
        {
            Assert.Equal(Shares.Reconstruct(a.Share!, b.Share!, domain).Data, product.Data);
        }

        var (encryptor, evaluator) = a.Statistics.IsEncryptor ? (a.Statistics, b.Statistics) : (b.Statistics, a.Statistics);
        Assert.Equal((long)encryptor.Plan.EncryptedCount, encryptor.CiphertextsSent);
        Assert.Equal((long)encryptor.Plan.ResultCount, evaluator.CiphertextsSent);
        Assert.InRange(a.Statistics.MaxInFlight, 0, 2);
        Assert.InRange(b.Statistics.MaxInFlight, 0, 2);
    }

    [Fact]
    public async Task ManyBlocksStreamWithinTheCreditWindow()
    {
        var left = TwoParties.Random(random, 200, 64, 16);
        var right = TwoParties.Random(random, 64, 16, 16);
        var (a, b) = await TwoParties.Run(left, Bfv(OperandSide.Left), right, Bfv(OperandSide.Right));
        Assert.InRange(a.Statistics.Plan.EncryptBlocks, 3, int.MaxValue);
        Assert.InRange(a.Statistics.Plan.Tiles, 3, int.MaxValue);
        Assert.Equal(2, Math.Max(a.Statistics.MaxInFlight, b.Statistics.MaxInFlight));
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task DifferentSchemesAreRefusedAtTheHandshakeOnBothSides()
    {
        var (a, b) = Start(Bfv(OperandSide.Left), TwoParties.Settings(OperandSide.Right, key: null));
        var local = await Assert.ThrowsAsync<SessionAbortedException>(() => a);
        var remote = await Assert.ThrowsAsync<SessionAbortedException>(() => b);
        Assert.Equal((AbortReason.Incompatible, AbortReason.Incompatible), (local.Reason, remote.Reason));
        Assert.Contains("different scheme: Bfv and Paillier", local.Message + remote.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Scheme.Bfv)]
    [InlineData(Scheme.Paillier)]
    public async Task UnderAFrameSmallerThanAKeyOrABlockTheyTravelInPartsAndTheProductIsExact(Scheme scheme)
    {
        // A 32 KiB frame (Akka's smallest): BFV's key and every fresh ciphertext (N = 4096 and more) are larger. A Paillier
        // block of 64 ciphertexts of 256 bytes (1024-bit test keys) is not, so its parties are told of a 16 KiB frame.
        var frame = scheme == Scheme.Bfv ? 32 << 10 : 16 << 10;
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.maximum-frame-size = 32768b").WithFallback(TwoParties.SerializeAll);
        PartySettings Small(OperandSide side) => (scheme == Scheme.Bfv ? Bfv(side) : TwoParties.Settings(side, side == OperandSide.Left ? keys.Left : keys.Right)) with
        {
            Limits = TwoParties.TestLimits with { FrameBytes = frame },
            BlockBytes = 4 << 10,
        };
        var left = TwoParties.Random(random, 300, 40, 16);
        var right = TwoParties.Random(random, 40, 3, 16);

        var (a, b) = await TwoParties.Run(left, Small(OperandSide.Left), right, Small(OperandSide.Right), config: config);

        Assert.Equal(scheme, a.Statistics.Plan.Scheme);
        Assert.True(a.Statistics.Plan.EncryptBlock(0).Count * a.Statistics.Plan.EncryptedWidth > Small(OperandSide.Left).Limits.PayloadBytes, "nothing needed parts");
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnInvalidCoefficientAbortsBothSidesAsInvalidCiphertext(bool tamperEncryptor)
    {
        // A fresh ciphertext's residues (after its 32-byte seed) are packed at their primes' widths: all-ones bits
        // are above every prime. A reply's values are any bits mod 2^w; only its padding must be zero, and 21 rows
        // give 21·3 result coefficients of 68 bits, so its last 4 bits are padding.
        static void TamperBlock(int block, byte[] bytes) => bytes.AsSpan(32, 64).Fill(0xFF);
        static void TamperReply(int block, byte[] bytes) => bytes[^1] |= 0xF0;
        var plan = CoefficientPlan.Create(21, 4, 3, 16, 16);
        Assert.True(plan.PositionsPerResult % 2 == 1, $"{plan}: a reply without padding");
        var (evaluatorSettings, encryptorSettings) = (Bfv(OperandSide.Left), Bfv(OperandSide.Right));
        var (evaluator, encryptor) = Start(
            tamperEncryptor ? evaluatorSettings : evaluatorSettings with { TamperOutgoing = TamperReply },
            tamperEncryptor ? encryptorSettings with { TamperOutgoing = TamperBlock } : encryptorSettings,
            rows: 21,
            columns: 3);
        var (checker, sender) = tamperEncryptor ? (evaluator, encryptor) : (encryptor, evaluator);
        var local = await Assert.ThrowsAsync<SessionAbortedException>(() => checker);
        var remote = await Assert.ThrowsAsync<SessionAbortedException>(() => sender);
        Assert.Equal((AbortReason.InvalidCiphertext, false), (local.Reason, local.RaisedByPeer));
        Assert.Equal((AbortReason.InvalidCiphertext, true), (remote.Reason, remote.RaisedByPeer));
    }

    /// <summary>Left (rows×4) listens, right (4×columns) calls; by size the right party encrypts.</summary>
    private (Task<PartyResult> Left, Task<PartyResult> Right) Start(PartySettings left, PartySettings right, int rows = 5, int columns = 2)
    {
        var port = TwoParties.FreePort();
        var a = DuetParty.RunAsync(left, TwoParties.Random(random, rows, 4, 16), new PartyEndpoint("127.0.0.1", port), null, default, TwoParties.SerializeAll);
        var b = DuetParty.RunAsync(right, TwoParties.Random(random, 4, columns, 16), new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, default, TwoParties.SerializeAll);
        return (a, b);
    }
}
