using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

public sealed class TwoPartyProductTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    [Theory]
    [InlineData(7, 4, 3, RolePreference.Auto, RolePreference.Auto, ShareDomain.Ring64)]
    [InlineData(3, 4, 9, RolePreference.Auto, RolePreference.Auto, ShareDomain.Integer)]
    [InlineData(40, 5, 1, RolePreference.Encryptor, RolePreference.Auto, ShareDomain.Ring64)]
    [InlineData(1, 6, 30, RolePreference.Auto, RolePreference.Evaluator, ShareDomain.Integer)]
    [InlineData(30, 3, 2, RolePreference.Evaluator, RolePreference.Encryptor, ShareDomain.Ring64)]
    public async Task ReconstructedProductIsExact(int m, int k, int n, RolePreference leftRole, RolePreference rightRole, ShareDomain domain)
    {
        var random = new Random((m * 100) + (k * 10) + n);
        var left = TwoParties.Random(random, m, k, 16);
        var right = TwoParties.Random(random, k, n, 16);
        var (a, b) = await TwoParties.Run(
            left, TwoParties.Settings(OperandSide.Left, keys.Left) with { Role = leftRole, Domain = domain },
            right, TwoParties.Settings(OperandSide.Right, keys.Right) with { Role = rightRole, Domain = domain });

        var expectedEncryptor = (leftRole, rightRole) switch
        {
            (RolePreference.Encryptor, _) or (_, RolePreference.Evaluator) => OperandSide.Left,
            (RolePreference.Evaluator, _) or (_, RolePreference.Encryptor) => OperandSide.Right,
            _ => Orientation.BySize(m, k, k, n).Encryptor,
        };
        Assert.Equal(expectedEncryptor, a.Statistics.Encryptor);
        Assert.Equal(expectedEncryptor, b.Statistics.Encryptor);
        Assert.NotEqual(a.Statistics.IsEncryptor, b.Statistics.IsEncryptor);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, domain).Data);
        Assert.Null(a.Product);
        Assert.Null(b.Product);
        Assert.InRange(a.Statistics.MaxInFlight, 0, 2);
        Assert.InRange(b.Statistics.MaxInFlight, 0, 2);

        // Each party's kernels were timed: the encryptor's decryption, the evaluator's multi-exponentiation within its tiles.
        var (encryptor, evaluator) = a.Statistics.IsEncryptor ? (a.Statistics, b.Statistics) : (b.Statistics, a.Statistics);
        Assert.True(encryptor.Cpu.Decrypt > 0 && encryptor.Cpu.Encrypt > 0 && encryptor.Cpu.Evaluate == 0);
        Assert.True(evaluator.Cpu.Products > 0 && evaluator.Cpu.Evaluate >= evaluator.Cpu.Products && evaluator.Cpu.Decrypt == 0);
    }
}

public sealed class FastKeyFormSessionTests
{
    /// <summary>The encryptor's key in the fast form, which the evaluator opted in to: the evaluator learns l from the
    /// public key message and re-randomises with l + 1 + σ bits; the encryptor decrypts with the short exponents. Exact
    /// either way round.</summary>
    [Theory]
    [InlineData(OperandSide.Left, ShareDomain.Ring64)]
    [InlineData(OperandSide.Right, ShareDomain.Integer)]
    public async Task AFastKeyGivesTheExactProduct(OperandSide encryptor, ShareDomain domain)
    {
        using var fast = Crypto.Paillier.PaillierKeyGenerator.Generate(1024, allowTestSizes: true, Crypto.Paillier.KeyForm.Fast);
        using var unused = Crypto.Paillier.PaillierKeyGenerator.Generate(1024, allowTestSizes: true);
        var random = new Random(224);
        var left = TwoParties.Random(random, 12, 5, 16);
        var right = TwoParties.Random(random, 5, 4, 16);
        var (leftKey, rightKey) = encryptor == OperandSide.Left ? (fast, unused) : (unused, fast);
        var (leftRole, rightRole) = encryptor == OperandSide.Left
            ? (RolePreference.Encryptor, RolePreference.Evaluator)
            : (RolePreference.Evaluator, RolePreference.Encryptor);
        var (a, b) = await TwoParties.Run(
            left, TwoParties.Settings(OperandSide.Left, leftKey) with { Role = leftRole, Domain = domain, AcceptFastKey = encryptor == OperandSide.Right },
            right, TwoParties.Settings(OperandSide.Right, rightKey) with { Role = rightRole, Domain = domain, AcceptFastKey = encryptor == OperandSide.Left });

        Assert.Equal(encryptor, a.Statistics.Encryptor);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, domain).Data);
    }
}

public sealed class FrameSplittingTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private const long Frame = 64 << 10;

    /// <summary>
    /// The owner of a wide matrix forced to encrypt, under a 64 KiB frame: one result row is 728 ciphertexts of 256
    /// bytes (about 182 KiB) and one revealed row 8000 values (about 88 KiB), so both must be split for the
    /// transport to carry them; a message over the frame would be dropped and the session would time out.
    /// </summary>
    [Theory]
    [InlineData(RolePreference.Evaluator, RolePreference.Encryptor)]
    [InlineData(RolePreference.Encryptor, RolePreference.Evaluator)]
    public async Task AWideProductWithForcedRolesStaysUnderASmallFrame(RolePreference leftRole, RolePreference rightRole)
    {
        var random = new Random(8000);
        var left = TwoParties.Random(random, 2, 3, 16);
        var right = TwoParties.Random(random, 3, 8000, 16);
        var small = Akka.Configuration.ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.maximum-frame-size = {Frame}b")
            .WithFallback(TwoParties.SerializeAll);
        PartySettings Small(OperandSide side, Crypto.Paillier.PaillierPrivateKey key, RolePreference role) => TwoParties.Settings(side, key) with
        {
            Role = role,
            Reveal = Reveal.Both,
            BlockBytes = 16 << 10,
            Limits = TwoParties.TestLimits with { FrameBytes = Frame },
        };

        var (a, b) = await TwoParties.Run(
            left, Small(OperandSide.Left, keys.Left, leftRole), right, Small(OperandSide.Right, keys.Right, rightRole), TimeSpan.FromSeconds(120), small);

        var expected = Shares.Product(left, right).Data;
        Assert.Equal(leftRole == RolePreference.Encryptor ? OperandSide.Left : OperandSide.Right, a.Statistics.Encryptor);
        Assert.Equal(expected, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
        Assert.Equal(expected, a.Product!.Data);
        Assert.Equal(expected, b.Product!.Data);
    }
}
