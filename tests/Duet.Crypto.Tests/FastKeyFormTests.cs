using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;
using Duet.Reference;

namespace Duet.Crypto.Tests;

/// <summary>One test-size fast key shared by the class (1024 bits: l = 224).</summary>
public sealed class FastKeyFixture : IDisposable
{
    public PaillierPrivateKey Key { get; } = PaillierKeyGenerator.Generate(1024, allowTestSizes: true, KeyForm.Fast);

    public void Dispose() => Key.Dispose();
}

/// <summary>The experimental fast key form (Ma, Han and Lei): its structure, its arithmetic, its file and its checks.</summary>
public sealed class FastKeyFormTests(FastKeyFixture fixture) : IClassFixture<FastKeyFixture>
{
    private const int Bits = 1024;
    private readonly PaillierPrivateKey key = fixture.Key;

    [Fact]
    public void TheKeyHasTheStructureOfTheForm()
    {
        var (pOrder, qOrder) = (key.POrder!.Value, key.QOrder!.Value);
        Assert.Equal(KeyForm.Fast, key.PublicKey.Form);
        Assert.Equal(224, key.PublicKey.OrderBits);
        Assert.Equal((112L, 112L), (pOrder.GetBitLength(), qOrder.GetBitLength()));
        Assert.True(((key.P - 1) % (2 * pOrder)).IsZero);
        Assert.True(((key.Q - 1) % (2 * qOrder)).IsZero);
        Assert.Equal(Bits, key.PublicKey.Bits);

        // P = 2·p·p′ + 1 with p′ odd, and each prime with its top two bits set.
        Assert.False(((key.P - 1) / (2 * pOrder)).IsEven);
        Assert.False(((key.Q - 1) / (2 * qOrder)).IsEven);
        Assert.All(new[] { key.P, key.Q }, prime => Assert.Equal(3, (int)(prime >> (Bits / 2 - 2))));

        // h_s has order dividing 2·p·q, and not dividing 2 (it re-randomises).
        var n2 = key.PublicKey.NSquared;
        Assert.True(BigInteger.ModPow(key.PublicKey.Hs, 2 * pOrder * qOrder, n2).IsOne);
        Assert.False(BigInteger.ModPow(key.PublicKey.Hs, 2, n2).IsOne);

        // The key owner's exponents have l bits; the evaluator's re-randomiser l + 1 + σ.
        Assert.Equal(224, key.PublicKey.RandomiserBits);
        Assert.Equal(224 + 1 + 40, key.PublicKey.RerandomiserBits(40));
    }

    [Fact]
    public void EncryptionsByTheOwnerAndByThePublicDecryptAndAddUp()
    {
        var owner = new PaillierEncryptor(key);
        var outsider = new PaillierEncryptor(key.Context);
        var evaluator = new PaillierEvaluator(key.Context);
        var decryptor = new PaillierDecryptor(key);
        var context = key.Context.Arithmetic;
        using var a = context.NewResidue();
        using var b = context.NewResidue();
        var big = (key.PublicKey.N >> 1) - 12345;
        foreach (var (x, y) in new[] { (BigInteger.Zero, BigInteger.One), (big, -big), (-77, 1_000_003), (BigInteger.Pow(3, 200), -5) })
        {
            owner.Encrypt(x, a);
            outsider.Encrypt(y, b);
            Assert.Equal(x, decryptor.Decrypt(a));
            Assert.Equal(y, decryptor.Decrypt(b));
            evaluator.Add(a, b, a);
            evaluator.Rerandomize(a, a);
            Assert.Equal(x + y, decryptor.Decrypt(a));
        }
    }

    [Fact]
    public void KeyGenerationEndsWhateverSubgroupPrimeItDraws()
    {
        // Regression: P = 2·p·p′ + 1 was searched with p′ of a fixed length, which for about half of the primes p
        // drawn could never give P its top two bits, and the search never ended. Twelve keys meet such a p with
        // probability 1 − 2^−24; each must come out with the structure of the form.
        for (var i = 0; i < 12; i++)
        {
            using var small = PaillierKeyGenerator.Generate(512, allowTestSizes: true, KeyForm.Fast);
            Assert.Equal((512, 112), (small.PublicKey.Bits, small.PublicKey.OrderBits!.Value));
            Assert.True(((small.P - 1) % (2 * small.POrder!.Value)).IsZero);
            Assert.True(BigInteger.ModPow(small.PublicKey.Hs, 2 * small.POrder.Value * small.QOrder!.Value, small.PublicKey.NSquared).IsOne);
        }
    }

    [Fact]
    public void ClassicRandomisersAreRefusedForAFastKey() =>
        Assert.Throws<ArgumentException>(() => new PaillierEncryptor(key.Context, RandomiserMode.Classic));

    [Fact]
    public void TheWholeProtocolIsExactWithAFastKey()
    {
        var random = new Random(448);
        var left = new Matrix<long>(9, 4, [.. Enumerable.Range(0, 36).Select(_ => random.NextInt64(-65535, 65536))]);
        var right = new Matrix<long>(4, 3, [.. Enumerable.Range(0, 12).Select(_ => random.NextInt64(-65535, 65536))]);
        foreach (var domain in new[] { ShareDomain.Ring64, ShareDomain.Integer })
        {
            var result = PaillierReferenceProtocol.Run(left, right, new ProtocolParameters(16, 16, Bits, Domain: domain), key);
            Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(result.LeftShare, result.RightShare, domain).Data);
        }
    }

    [Fact]
    public void TheKeyFileAndThePublicKeyBytesKeepTheForm()
    {
        using var back = PaillierPrivateKey.FromJson(key.ToJson(), Bits);
        Assert.Equal((key.POrder, key.QOrder, KeyForm.Fast), (back.POrder, back.QOrder, back.PublicKey.Form));
        using var a = back.Context.Arithmetic.NewResidue();
        new PaillierEncryptor(key).Encrypt(42, a);
        Assert.Equal(42, new PaillierDecryptor(back).Decrypt(a));

        var publicBack = PaillierPublicKey.FromBytes(key.PublicKey.ToBytes(), Bits);
        Assert.Equal((224, key.PublicKey.Hs), (publicBack.OrderBits!.Value, publicBack.Hs));
    }

    [Fact]
    public void AFastKeyWithAnotherOrderLengthIsRefused()
    {
        Assert.Equal("order-bits", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(key.PublicKey.N, key.PublicKey.Hs, Bits, 100)).Check);
        using var standard = PaillierKeyGenerator.Generate(2048, form: KeyForm.Standard, allowTestSizes: false);
        Assert.Equal("order-bits", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(standard.PublicKey.N, standard.PublicKey.Hs, orderBits: 224)).Check);
    }

    [Theory]
    [InlineData("p-order")] // p-order + 2: not a prime divisor of (p − 1)/2
    [InlineData("q-order")] // the p-order in place of the q-order: not a divisor of (q − 1)/2
    [InlineData("hs")] // h_s·(1 + n), an encryption of 1: its order does not divide 2·p·q
    public void ATamperedFastKeyFileIsRefused(string field)
    {
        var (n, n2) = (key.PublicKey.N, key.PublicKey.NSquared);
        var node = JsonNode.Parse(key.ToJson())!;
        var tampered = field switch
        {
            "p-order" => key.POrder!.Value + 2,
            "q-order" => key.POrder!.Value,
            _ => key.PublicKey.Hs * (n + 1) % n2,
        };
        node[field] = tampered.ToString("x", CultureInfo.InvariantCulture);
        var error = Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson(node.ToJsonString(), Bits));
        Assert.Equal("private-order", error.Check);
    }
}
