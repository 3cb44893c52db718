using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Duet.Crypto.Tests;

public sealed class PaillierTests(KeyFixture fixture) : IClassFixture<KeyFixture>
{
    private readonly PaillierPrivateKey key = fixture.Key;

    private PaillierContext Public => key.Context;

    private BigInteger Bound => Public.Key.N >> 1;

    [Fact]
    public void GeneratedKeyMeetsEveryConstraint()
    {
        var bits = key.PublicKey.Bits;
        Assert.Equal(1024, bits);
        Assert.Equal(bits / 2, (int)key.P.GetBitLength());
        Assert.Equal(bits / 2, (int)key.Q.GetBitLength());
        Assert.True(BigInteger.Abs(key.P - key.Q) > BigInteger.One << ((bits / 2) - 100));
        Assert.True(BigInteger.GreatestCommonDivisor(Public.Key.N, (key.P - 1) * (key.Q - 1)).IsOne);
        Assert.True(BigInteger.GreatestCommonDivisor(Public.Key.Hs, Public.Key.N).IsOne);
        Assert.True(Public.Key.Hs > 0 && Public.Key.Hs < Public.Key.NSquared);
    }

    [Fact]
    public void ProductionKeySizeRoundTrips()
    {
        using var big = PaillierKeyGenerator.Generate(2048);
        Assert.Equal(2048, big.PublicKey.Bits);
        using var c = big.Context.Arithmetic.NewResidue();
        new PaillierEncryptor(big.Context).Encrypt(-123456789, c);
        Assert.Equal(new BigInteger(-123456789), new PaillierDecryptor(big).Decrypt(c));
    }

    [Fact]
    public void OpenSslPrimesHaveTheirSizeAndTopTwoBitsAndAGeneratedKeyItsFactors()
    {
        var primes = new[] { 512, 1024, 1024 }.Select(Duet.Crypto.Arithmetic.NativePrimes.Generate).ToArray();
        Assert.All(primes.Zip(new[] { 512, 1024, 1024 }), pair =>
        {
            var (prime, bits) = pair;
            Assert.Equal(bits, prime.GetBitLength());
            Assert.True(((prime >> (bits - 2)) & 3) == 3, "the top two bits are not set");
            Assert.True(new Org.BouncyCastle.Math.BigInteger(1, prime.ToByteArray(isUnsigned: true, isBigEndian: true)).IsProbablePrime(100));
        });
        Assert.NotEqual(primes[1], primes[2]);

        using var generated = PaillierKeyGenerator.Generate(2048);
        Assert.Equal(generated.PublicKey.N, generated.P * generated.Q);
        Assert.Equal((1024L, 1024L), (generated.P.GetBitLength(), generated.Q.GetBitLength()));
        Assert.True(BigInteger.Abs(generated.P - generated.Q) > BigInteger.One << 924);
    }

    [Fact]
    public void OwnerTablesAreSizedForTheEncryptionsExpectedAndStillEncrypt()
    {
        // For a 1024-bit exponent: 5-bit windows serve 100 encryptions with the fewest products (building included),
        // wider ones serve more; unknown use keeps 10 bits.
        Assert.Equal(5, PaillierPrivateKey.CrtHalf.WindowBits(1024, 100));
        Assert.Equal(10, PaillierPrivateKey.CrtHalf.WindowBits(1024, 0));
        Assert.True(PaillierPrivateKey.CrtHalf.WindowBits(1024, 10_000) > PaillierPrivateKey.CrtHalf.WindowBits(1024, 1500));
        Assert.Equal(12, PaillierPrivateKey.CrtHalf.WindowBits(1024, long.MaxValue / 4096));

        using var sized = PaillierKeyGenerator.Generate(512, allowTestSizes: true);
        sized.ExpectEncryptions(3);
        var owner = new PaillierEncryptor(sized);
        using var c = sized.Context.Arithmetic.NewResidue();
        owner.Encrypt(-987654321, c);
        Assert.Equal(new BigInteger(-987654321), new PaillierDecryptor(sized).Decrypt(c));
        Assert.Equal(PaillierPrivateKey.CrtHalf.WindowBits(sized.PublicKey.RandomiserBits, 3), sized.PHalf.RandomiserTable.WindowBits);
    }

    [Fact]
    public void KeyGeneratorRefusesUnsupportedSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyGenerator.Generate(1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyGenerator.Generate(2047));
    }

    [Property(MaxTest = 40)]
    public Property EncryptionRoundTripsOnEveryPath()
    {
        return Prop.ForAll(SignedPlaintexts(), m =>
        {
            var decryptor = new PaillierDecryptor(key);
            foreach (var encryptor in Encryptors())
            {
                using var c = Public.Arithmetic.NewResidue();
                encryptor.Encrypt(m, c);
                if (decryptor.Decrypt(c) != m)
                {
                    return false;
                }
            }

            return true;
        });
    }

    [Property(MaxTest = 40)]
    public Property HomomorphismLaws()
    {
        return Prop.ForAll(SignedPlaintexts(), SignedPlaintexts(), Gen.Choose(int.MinValue, int.MaxValue).ToArbitrary(), (a, b, s) =>
        {
            var encryptor = new PaillierEncryptor(Public);
            var evaluator = new PaillierEvaluator(Public);
            var decryptor = new PaillierDecryptor(key);
            using var ca = Public.Arithmetic.NewResidue();
            using var cb = Public.Arithmetic.NewResidue();
            using var r = Public.Arithmetic.NewResidue();
            encryptor.Encrypt(a, ca);
            encryptor.Encrypt(b, cb);

            evaluator.Add(ca, cb, r);
            var sum = Wrap(a + b);
            var ok = decryptor.Decrypt(r) == sum;
            evaluator.Subtract(ca, cb, r);
            ok &= decryptor.Decrypt(r) == Wrap(a - b);
            evaluator.Negate(ca, r);
            ok &= decryptor.Decrypt(r) == Wrap(-a);
            evaluator.AddPlain(ca, b, r);
            ok &= decryptor.Decrypt(r) == sum;
            evaluator.Multiply(ca, (long)s, r);
            ok &= decryptor.Decrypt(r) == Wrap(a * s);
            evaluator.Multiply(ca, b, r);
            ok &= decryptor.Decrypt(r) == Wrap(a * b);
            evaluator.Rerandomize(ca, r);
            ok &= decryptor.Decrypt(r) == a && !Public.Arithmetic.AreEqual(r, ca);
            return ok;
        });
    }

    [Fact]
    public void EncryptionsOfTheSameValueDiffer()
    {
        var encryptor = new PaillierEncryptor(key);
        using var c1 = Public.Arithmetic.NewResidue();
        using var c2 = Public.Arithmetic.NewResidue();
        encryptor.Encrypt(7, c1);
        encryptor.Encrypt(7, c2);
        Assert.False(Public.Arithmetic.AreEqual(c1, c2));
    }

    [Fact]
    public void KnownAnswerFromFixedKey()
    {
        // p = 2^127 − 1 and q = 2^89 − 1 are Mersenne primes; g = n + 1 so Enc(m, r) = (1 + m n) r^n mod n².
        var p = BigInteger.Pow(2, 127) - 1;
        var q = BigInteger.Pow(2, 89) - 1;
        var n = p * q;
        var hs = BigInteger.ModPow(n - 4, n, n * n);
        using var priv = new PaillierPrivateKey(p, q, PaillierPublicKey.Create(n, hs, minimumBits: 200));
        var pub = priv.Context;
        var c = (1 + (42 * n)) * BigInteger.ModPow(5, n, n * n) % (n * n);
        using var residue = pub.Arithmetic.NewResidue();
        pub.Arithmetic.Load(c, residue);
        Assert.Equal(new BigInteger(42), new PaillierDecryptor(priv).Decrypt(residue));
        pub.Arithmetic.Load((1 + ((n - 42) * n)) % (n * n), residue);
        Assert.Equal(new BigInteger(-42), new PaillierDecryptor(priv).Decrypt(residue));
    }

    [Fact]
    public void PublicKeyBytesRoundTripAndValidate()
    {
        var bytes = Public.Key.ToBytes();
        var back = PaillierPublicKey.FromBytes(bytes, minimumBits: 1024);
        Assert.Equal(Public.Key.N, back.N);
        Assert.Equal(Public.Key.Hs, back.Hs);
        Assert.Equal("modulus-size", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.FromBytes(bytes)).Check);
        Assert.Equal("format", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.FromBytes(bytes.AsSpan(0, bytes.Length - 1), 1024)).Check);
    }

    [Fact]
    public void InvalidKeysAreRejectedWithTheirReason()
    {
        var n = Public.Key.N;
        Assert.Equal("modulus-odd", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n + 1, Public.Key.Hs, 1024)).Check);
        Assert.Equal("small-factor", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n * 65521, 5, 1024)).Check);
        Assert.Equal("hs", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, 0, 1024)).Check);
        Assert.Equal("hs", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, n * n, 1024)).Check);
        Assert.Equal("hs", Assert.Throws<InvalidKeyException>(() => PaillierPublicKey.Create(n, key.P * 3, 1024)).Check);
    }

    [Fact]
    public void InvalidCiphertextsAreRejectedWithTheirReason()
    {
        var width = Public.Key.CiphertextBytes;
        using var r = Public.Arithmetic.NewResidue();
        Assert.Equal("range", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertext(new byte[width], r)).Check);
        var tooBig = Public.Key.NSquared.ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.Equal("range", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertext(Pad(Public.Key.NSquared - 0 + 0 - 0, width + 1).AsSpan(1), r)).Check);
        Assert.Equal("width", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertext(tooBig.AsSpan(1), r)).Check);
        Assert.Equal("coprime", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertext(Pad(key.P, width), r)).Check);

        var good = new PaillierEncryptor(Public);
        using var c = Public.Arithmetic.NewResidue();
        good.Encrypt(5, c);
        var batch = new byte[width * 3];
        Public.WriteCiphertext(c, batch.AsSpan(0, width));
        Public.WriteCiphertext(c, batch.AsSpan(width, width));
        Pad(key.Q * 7, width).CopyTo(batch, 2 * width);
        var destinations = new[] { Public.Arithmetic.NewResidue(), Public.Arithmetic.NewResidue(), Public.Arithmetic.NewResidue() };
        Assert.Equal("coprime", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertexts(batch, destinations)).Check);
        Public.WriteCiphertext(c, batch.AsSpan(2 * width, width));
        Public.ReadCiphertexts(batch, destinations);
        Assert.Equal(new BigInteger(5), new PaillierDecryptor(key).Decrypt(destinations[2]));
        Assert.Equal("count", Assert.Throws<InvalidCiphertextException>(() => Public.ReadCiphertexts(batch.AsSpan(1), destinations)).Check);
    }

    [Fact]
    public void PrivateKeyFileRoundTrips()
    {
        var json = key.ToJson();
        Assert.Contains("\"secret\": true", json, StringComparison.Ordinal);
        using var back = PaillierPrivateKey.FromJson(json, minimumBits: 1024);
        Assert.Equal(key.P, back.P);
        Assert.Equal(Public.Key.Hs, back.PublicKey.Hs);
        Assert.Equal("format", Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson("{\"format\":\"other\"}")).Check);
        Assert.Equal("format", Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson("not json")).Check);
    }

    private IEnumerable<PaillierEncryptor> Encryptors()
    {
        yield return new PaillierEncryptor(Public);
        yield return new PaillierEncryptor(key);
        yield return new PaillierEncryptor(Public, RandomiserMode.Classic);
        yield return new PaillierEncryptor(key, RandomiserMode.Classic);
    }

    private BigInteger Wrap(BigInteger value)
    {
        var r = BigInteger.Remainder(value, Public.Key.N);
        if (r.Sign < 0)
        {
            r += Public.Key.N;
        }

        return Public.Key.FromPlaintextSpace(r);
    }

    /// <summary>Signed values of every size up to ±n/2: small, 64-bit, and full-width.</summary>
    private Arbitrary<BigInteger> SignedPlaintexts()
    {
        var bound = Bound;
        var bits = (int)bound.GetBitLength() - 1;
        var small = Gen.Choose(-1000, 1000).Select(x => new BigInteger(x));
        var wide = Gen.Choose(1, bits).SelectMany(b => Gen.Elements(-1, 1).Select(sign => sign * Randomness.Bits(b)));
        var edges = Gen.Elements(bound, -bound + 1, BigInteger.Zero, BigInteger.One, BigInteger.MinusOne);
        return Gen.OneOf(small, wide, edges).ToArbitrary();
    }

    private static byte[] Pad(BigInteger value, int width)
    {
        var bytes = new byte[width];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, width - raw.Length);
        return bytes;
    }
}
