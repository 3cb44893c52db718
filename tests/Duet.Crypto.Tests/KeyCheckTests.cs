using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;
using BcInteger = Org.BouncyCastle.Math.BigInteger;

namespace Duet.Crypto.Tests;

/// <summary>The public-key checks on h_s and the checks of a loaded private key (docs/protocol.md §8, §9).</summary>
public sealed class KeyCheckTests(KeyFixture fixture) : IClassFixture<KeyFixture>
{
    private const int Bits = 1024;
    private readonly PaillierPrivateKey key = fixture.Key;

    [Fact]
    public void TrivialRandomiserBasesAreRefused()
    {
        var n = key.PublicKey.N;
        Assert.Equal("hs-trivial", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, 1, Bits)).Check);
        Assert.Equal("hs-trivial", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, (n * n) - 1, Bits)).Check);
        var fine = PaillierPublicKey.Create(n, key.PublicKey.Hs, Bits);
        Assert.Equal(key.PublicKey.Hs, fine.Hs);
    }

    [Fact]
    public void ProductionValidationStillRefusesToyKeys()
    {
        // The 32-bit key of the attack tests: its factors are below 2^16 and its size far below the minimum.
        var n = new BigInteger(0xC001) * 0xC00D;
        var hs = BigInteger.ModPow(n - 4, n, n * n);
        Assert.Equal("modulus-size", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, hs)).Check);
        Assert.Equal("small-factor", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, hs, minimumBits: 32)).Check);
    }

    [Fact]
    public void UntouchedKeyFileLoads()
    {
        using var back = PaillierPrivateKey.FromJson(key.ToJson(), Bits);
        Assert.Equal((key.P, key.Q), (back.P, back.Q));
    }

    [Fact]
    public void KeyFileWithEqualFactorsIsRefused() =>
        Assert.Equal("private-distinct", Refused(key.P, key.P));

    [Fact]
    public void KeyFileWithACompositeFactorIsRefused()
    {
        // Two 256-bit primes with their top bits set: a 512-bit composite in place of p, drawn again until n keeps its
        // declared size (a product of two 512-bit numbers has 1023 or 1024 bits), so that only the factor check can refuse.
        BigInteger composite;
        do
        {
            composite = Prime(256) * Prime(256);
        }
        while ((composite * key.Q).GetBitLength() != Bits);

        Assert.Equal(Bits / 2, (int)composite.GetBitLength());
        Assert.Equal("private-factor-prime", Refused(composite, key.Q));
    }

    [Fact]
    public void KeyFileWithUnbalancedFactorsIsRefused()
    {
        var small = Prime(500);
        var large = Prime(524);
        Assert.Equal(Bits, (int)(small * large).GetBitLength());
        Assert.Equal("private-factor-size", Refused(small, large));
    }

    [Fact]
    public void KeyFileWithFactorsTooCloseIsRefused()
    {
        // Two consecutive primes of |n|/2 bits: both prime, of the right size and distinct, but Fermat's method factors n.
        var p = Prime(Bits / 2);
        var q = NextPrime(p);
        Assert.Equal(Bits, (int)(p * q).GetBitLength());
        Assert.True(q - p < BigInteger.One << ((Bits / 2) - 100));
        Assert.Equal("private-distance", Refused(p, q));
    }

    [Fact]
    public void KeyFileWithNNotCoprimeToPhiIsRefused()
    {
        // p = 2·k·q + 1, so q divides p − 1 and gcd(n, φ(n)) = q; n keeps the declared bits.
        var q = Prime(400);
        BigInteger p;
        do
        {
            p = (2 * q * Randomness.Bits(Bits - 400 - 400)) + 1;
        }
        while ((p * q).GetBitLength() != Bits || !IsPrime(p));

        Assert.Equal(q, BigInteger.GreatestCommonDivisor(p * q, (p - 1) * (q - 1)));
        Assert.Equal("private-coprime", Refused(p, q));
    }

    [Fact]
    public void KeyFileDeclaringOtherBitsIsRefused()
    {
        var json = JsonNode.Parse(key.ToJson())!;
        json["bits"] = Bits + 2;
        Assert.Equal("private-bits", Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson(json.ToJsonString(), Bits)).Check);
        json["bits"] = "many";
        Assert.Equal("format", Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson(json.ToJsonString(), Bits)).Check);
    }

    [Fact]
    public void ReRandomisedCiphertextsDecryptAlikeBeforeAndAfterTheTable()
    {
        // A fresh key object: its first powers are exponentiations, the later ones come from the table.
        using var owner = new PaillierPrivateKey(key.P, key.Q, PaillierPublicKey.Create(key.PublicKey.N, key.PublicKey.Hs, Bits));
        var fresh = owner.Context;
        var evaluator = new PaillierEvaluator(fresh);
        var decryptor = new PaillierDecryptor(owner);
        using var c = fresh.Arithmetic.NewResidue();
        new PaillierEncryptor(owner).Encrypt(-7, c);
        var seen = new HashSet<BigInteger>();
        using var r = fresh.Arithmetic.NewResidue();
        for (var i = 0; i < 2 * PaillierContext.PowersBeforeTable; i++)
        {
            evaluator.Rerandomize(c, r, sigma: 48);
            Assert.Equal(new BigInteger(-7), decryptor.Decrypt(r));
            Assert.True(seen.Add(fresh.Arithmetic.Store(r)), "a re-randomised ciphertext repeated");
        }
    }

    [Fact]
    public void SecretModuliCarryOpenSslsConstantTimeFlag()
    {
        using var secret = Backends.Create(key.PSquared, Backends.Native, secretModulus: true);
        using var open = Backends.Create(key.PublicKey.NSquared, Backends.Native);
        Assert.True(((NativeMontgomeryContext)secret).ModulusIsConstantTime);
        Assert.False(((NativeMontgomeryContext)open).ModulusIsConstantTime);
        if (Backends.Current == Backends.Native)
        {
            Assert.True(((NativeMontgomeryContext)key.PHalf.Context).ModulusIsConstantTime);
            Assert.True(((NativeMontgomeryContext)key.QHalf.Context).ModulusIsConstantTime);
        }

        // The flagged context computes what the managed one does.
        using var managed = Backends.Create(key.PSquared, Backends.Managed, secretModulus: true);
        var exponent = key.P - 1;
        var @base = key.PublicKey.Hs;
        Assert.Equal(managed.PowSecret(@base, exponent), secret.PowSecret(@base, exponent));
        Assert.Equal(BigInteger.ModPow(@base, exponent, key.PSquared), secret.PowSecret(@base, exponent));
    }

    /// <summary>The check that refuses a key file whose factors are replaced by p and q (with a valid h_s for p·q).</summary>
    private string Refused(BigInteger p, BigInteger q)
    {
        var n = p * q;
        var json = JsonNode.Parse(key.ToJson())!;
        json["p"] = p.ToString("x", CultureInfo.InvariantCulture);
        json["q"] = q.ToString("x", CultureInfo.InvariantCulture);
        json["hs"] = BigInteger.ModPow(n - 4, n, n * n).ToString("x", CultureInfo.InvariantCulture);
        return Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson(json.ToJsonString(), Bits)).Check;
    }

    private static BigInteger NextPrime(BigInteger after) =>
        new(new BcInteger(1, after.ToByteArray(isUnsigned: true, isBigEndian: true)).NextProbablePrime().ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    private static bool IsPrime(BigInteger value) => new BcInteger(1, value.ToByteArray(isUnsigned: true, isBigEndian: true)).IsProbablePrime(100);

    private static BigInteger Prime(int bits)
    {
        while (true)
        {
            var candidate = BcInteger.ProbablePrime(bits, Randomness.Generator);
            if (candidate.TestBit(bits - 2))
            {
                return new BigInteger(candidate.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);
            }
        }
    }
}
