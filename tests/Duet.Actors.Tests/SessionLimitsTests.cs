using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

public sealed class SessionLimitsTests
{
    private readonly SessionLimits limits = PartySettings.Defaults.Limits;

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void StandardKeySizesAreAccepted(int bits) => Assert.Null(limits.ShapeProblem(100, 10, bits));

    [Theory]
    [InlineData(1024)]
    [InlineData(2047)]
    [InlineData(2560)]
    [InlineData(16384)]
    public void OtherKeySizesAreRefused(int bits) =>
        Assert.Contains($"{bits}-bit key", limits.ShapeProblem(100, 10, bits), StringComparison.Ordinal);

    [Fact]
    public void SmallTestKeysNeedTheTestSwitch()
    {
        Assert.NotNull(limits.ShapeProblem(4, 4, 1024));
        Assert.Null((limits with { AllowTestKeySizes = true }).ShapeProblem(4, 4, 1024));
        Assert.NotNull((limits with { AllowTestKeySizes = true }).ShapeProblem(4, 4, 16384));
    }

    [Theory]
    [InlineData(0L, 5L)]
    [InlineData(5L, 0L)]
    [InlineData(1L << 25, 1L)]
    [InlineData(1L, 1L << 25)]
    [InlineData(1L << 20, 1L << 20)]
    public void ShapesOverTheLimitsAreRefused(long rows, long columns) => Assert.NotNull(limits.ShapeProblem(rows, columns, 2048));

    [Fact]
    public void ProductEntriesAndMemoryAreCheckedIn64Bits()
    {
        var plan = PackingPlan.Create(16, 10000, 16, 32, 32, 2048);
        Assert.Null(limits.PlanProblem(16, 16, plan, isEncryptor: false, 512L << 20));

        // 2^24 x 2^24 entries would wrap a 32-bit count to 0.
        Assert.Contains("entries", limits.PlanProblem(1L << 24, 1L << 24, plan, isEncryptor: false, 0), StringComparison.Ordinal);
        var tight = limits with { MemoryBudgetBytes = 64L << 20 };
        Assert.Contains("memory budget", tight.PlanProblem(16, 16, plan, isEncryptor: false, 512L << 20), StringComparison.Ordinal);
        Assert.Null(tight.PlanProblem(16, 16, plan, isEncryptor: true, 512L << 20));
    }

    [Fact]
    public void AStreamedShareLiftsTheProductCapAndCountsNoSharesInMemory()
    {
        var plan = PackingPlan.Create(1 << 20, 4, 1 << 10, 16, 16, 2048);
        Assert.Contains("entries", limits.PlanProblem(1L << 20, 1L << 10, plan, isEncryptor: true, 0), StringComparison.Ordinal);
        var streamed = limits.ForStreamedShares();
        Assert.Null(streamed.PlanProblem(1L << 20, 1L << 10, plan, isEncryptor: true, 0));
        Assert.Null(streamed.PlanProblem(1L << 24, 1L << 24, plan, isEncryptor: true, 0));
        var capped = (limits with { MaxStreamedProductEntries = 1L << 40 }).ForStreamedShares();
        Assert.Contains("entries", capped.PlanProblem(1L << 24, 1L << 24, plan, isEncryptor: true, 0), StringComparison.Ordinal);
    }

    [Fact]
    public void TheEvaluatorEstimateCountsTheEncryptedOperandAndTables()
    {
        var plan = PackingPlan.Create(100, 50, 3, 16, 16, 2048);
        var encryptor = SessionLimits.EstimatedBytes(300, plan, isEncryptor: true, 1000);
        var evaluator = SessionLimits.EstimatedBytes(300, plan, isEncryptor: false, 1000);
        Assert.Equal(encryptor + (2L * plan.EncryptedCount * 512) + 1000, evaluator);
    }

    [Fact]
    public void TheEntryLimitSparesOnlyAPaillierEvaluatorsOperandReadByTiles()
    {
        // 1000x6 = 6000 entries against a limit of 5000: the left operand is the evaluator's X, read by tiles under Paillier.
        var small = TwoParties.TestLimits with { MaxOperandEntries = 5000 };
        var id = SessionIds.NewRandom();
        var left = new Hello(id, 4, OperandSide.Left, 1000, 6, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Evaluator, "a");
        var right = new Hello(id, 4, OperandSide.Right, 6, 2, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "b");
        Assert.Equal(OperandSide.Right, Handshake.Agree(left, right, 4, small, 0).Encryptor);

        // The same matrix held whole is refused: as the encryptor's Y (encrypted whole), or the transpose of the evaluator's file.
        var encrypting = Assert.Throws<HandshakeException>(() => Handshake.Agree(left with { Role = RolePreference.Encryptor }, right, 4, small, 0));
        Assert.Contains("more than the 5000 entries", encrypting.Message, StringComparison.Ordinal);
        var transposed = new Hello(id, 4, OperandSide.Right, 6, 1000, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Evaluator, "b");
        var leftSmall = new Hello(id, 4, OperandSide.Left, 2, 6, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "a");
        Assert.Contains("more than the 5000 entries", Assert.Throws<HandshakeException>(() => Handshake.Agree(leftSmall, transposed, 4, small, 0)).Message, StringComparison.Ordinal);
    }
}
