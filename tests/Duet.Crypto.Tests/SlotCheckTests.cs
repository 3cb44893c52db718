using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests;

/// <summary>Mask width t (docs/protocol.md §4) and the encryptor's check that nothing but the used slots decrypts non-zero (§9).</summary>
public sealed class SlotCheckTests(KeyFixture fixture) : IClassFixture<KeyFixture>
{
    private const int KeyBits = 1024;
    private readonly PaillierPrivateKey key = fixture.Key;

    [Fact]
    public void MaskBitsCoverTheWholeProduct()
    {
        var one = PackingPlan.Create(1, 10, 1, 30, 30, 2048, domain: ShareDomain.Integer);
        Assert.Equal(30 + 30 + 4 + 1 + 40, one.MaskBits);
        Assert.Equal(one.MaskBits + 1, one.SlotBits);

        // λ = ceil(log2(m·n)): 2^20 entries add 20 bits, 2^20 + 1 entries 21.
        var wide = PackingPlan.Create(1 << 10, 10, 1 << 10, 30, 30, 2048, domain: ShareDomain.Integer);
        Assert.Equal(one.MaskBits + 20, wide.MaskBits);
        var past = PackingPlan.Create((1 << 10) + 1, 10, 1 << 10, 30, 30, 2048, domain: ShareDomain.Integer);
        Assert.Equal(one.MaskBits + 21, past.MaskBits);
        Assert.Equal(one.MaskBits + 24, PackingPlan.Create(1, 10, 1, 30, 30, 2048, sigma: 64, domain: ShareDomain.Integer).MaskBits);
        Assert.Contains($"t={wide.MaskBits} w={wide.SlotBits}", wide.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ring64MasksHaveAtLeast64Bits()
    {
        // bz = 2 + 2 + 0: t would be 45 in the integer domain; ring64 raises it to 64.
        Assert.Equal(45, PackingPlan.Create(1, 1, 1, 2, 2, 2048, domain: ShareDomain.Integer).MaskBits);
        Assert.Equal(64, PackingPlan.Create(1, 1, 1, 2, 2, 2048, domain: ShareDomain.Ring64).MaskBits);
        var large = PackingPlan.Create(100, 100, 10, 32, 32, 2048, domain: ShareDomain.Ring64);
        Assert.Equal(32 + 32 + 7 + 1 + 40 + 10, large.MaskBits);
    }

    [Fact]
    public void MasksAreDrawnAcrossAllTBits()
    {
        var plan = PackingPlan.Create(1, 1, 1, 2, 2, KeyBits, domain: ShareDomain.Ring64);
        var evaluator = new PaillierEvaluator(key.Context);
        var share = new Matrix<BigInteger>(1, 1);
        using var product = key.Context.Arithmetic.NewResidue();
        new PaillierEncryptor(key).Encrypt(0, product);
        var top = BigInteger.Zero;
        for (var i = 0; i < 64; i++)
        {
            PaillierEvaluateKernel.Mask(plan, evaluator, product, 0, 0, share);
            evaluator.Rerandomize(product, product, plan.Sigma);
            var mask = -share[0, 0];
            Assert.InRange(mask, BigInteger.Zero, (BigInteger.One << plan.MaskBits) - 1);
            top = BigInteger.Max(top, mask);
        }

        // 64 uniform draws all below 2^(t−4) happen with probability 2^−256.
        Assert.True(top >= BigInteger.One << (plan.MaskBits - 4), $"No mask of 64 reached 2^{plan.MaskBits - 4}.");
    }

    [Fact]
    public void HonestResultDecrypts()
    {
        var (plan, share) = Setup();
        PaillierDecryptKernel.DecryptBlock(plan, new PaillierDecryptor(key), Result(Value(plan, 0, 5)), 0, 1, share);
        Assert.Equal(new BigInteger(5), share[0, 0]);
    }

    [Fact]
    public void NonZeroUnusedSlotIsRefused()
    {
        var (plan, share) = Setup();
        Assert.True(plan.Slots > 2);
        var error = Assert.Throws<InvalidPlaintextException>(() =>
            PaillierDecryptKernel.DecryptBlock(plan, new PaillierDecryptor(key), Result(Value(plan, 0, 5) + Value(plan, plan.Slots - 1, 1)), 0, 1, share));
        Assert.Equal("unused-slots-zero", error.Check);
        Assert.IsAssignableFrom<ValidationException>(error);
    }

    [Fact]
    public void NonZeroBitsAboveTheSlotsAreRefused()
    {
        var (plan, share) = Setup();
        var above = BigInteger.One << (plan.SlotBits * plan.Slots);
        Assert.True(above < key.PublicKey.N >> 1);
        var error = Assert.Throws<InvalidPlaintextException>(() =>
            PaillierDecryptKernel.DecryptBlock(plan, new PaillierDecryptor(key), Result(Value(plan, 0, 5) + above), 0, 1, share));
        Assert.Equal("unused-slots-zero", error.Check);
    }

    [Fact]
    public void NegativeResultIsRefused()
    {
        // A plaintext of n − 1 fills every bit, including the unused slots.
        var (plan, share) = Setup();
        Assert.Throws<InvalidPlaintextException>(() => PaillierDecryptKernel.DecryptBlock(plan, new PaillierDecryptor(key), Result(-1), 0, 1, share));
    }

    // A 1×1 product: one used slot (slot 0) of S.
    private static (PackingPlan Plan, Matrix<BigInteger> Share) Setup() =>
        (PackingPlan.Create(1, 1, 1, 8, 8, KeyBits), new Matrix<BigInteger>(1, 1));

    /// <summary>Slot s holding the encryptor's share value + the offset 2^bz, as the evaluator leaves it.</summary>
    private static BigInteger Value(PackingPlan plan, int slot, BigInteger share) =>
        ((BigInteger.One << plan.ProductBits) + share) << (plan.SlotBits * slot);

    private byte[] Result(BigInteger plaintext)
    {
        using var c = key.Context.Arithmetic.NewResidue();
        new PaillierEncryptor(key).Encrypt(plaintext, c);
        var bytes = new byte[key.PublicKey.CiphertextBytes];
        key.Context.WriteCiphertext(c, bytes);
        return bytes;
    }
}
