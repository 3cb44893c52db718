using System.Numerics;
using Org.BouncyCastle.Security;
using BcInteger = Org.BouncyCastle.Math.BigInteger;

namespace Duet.Crypto.Paillier;

/// <summary>Generates Paillier keys as PROTOCOL.md §8 requires.</summary>
public static class KeyGenerator
{
    public static readonly IReadOnlyList<int> SupportedBits = [2048, 3072, 4096];

    /// <summary>A new key of exactly `bits` bits. Sizes below 2048 are for tests only and need allowTestSizes.</summary>
    public static PaillierPrivateKey Generate(int bits, bool allowTestSizes = false)
    {
        if (!SupportedBits.Contains(bits) && !(allowTestSizes && bits >= 256 && bits % 2 == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"Key size {bits} is not supported; use 2048, 3072 or 4096.");
        }

        var random = Randomness.Generator;
        var half = bits / 2;
        var minimumDistance = BigInteger.One << Math.Max(half - 100, 1);
        while (true)
        {
            var p = Prime(half, random);
            var q = Prime(half, random);
            var n = p * q;
            if (n.GetBitLength() != bits || BigInteger.Abs(p - q) <= minimumDistance)
            {
                continue;
            }

            if (!BigInteger.GreatestCommonDivisor(n, (p - 1) * (q - 1)).IsOne)
            {
                continue;
            }

            var publicKey = PaillierPublicKey.Create(n, RandomiserBase(n), Math.Min(bits, PaillierPublicKey.MinimumBits));
            return new PaillierPrivateKey(p, q, publicKey);
        }
    }

    /// <summary>h_s = (−x²)^n mod n² for a random unit x (DJN).</summary>
    private static BigInteger RandomiserBase(BigInteger n)
    {
        BigInteger x;
        do
        {
            x = Randomness.Below(n);
        }
        while (x.IsZero || !BigInteger.GreatestCommonDivisor(x, n).IsOne);

        var h = n - (x * x % n);
        return BigInteger.ModPow(h, n, n * n);
    }

    private static BigInteger Prime(int bits, SecureRandom random)
    {
        // Top two bits set so that the product of two such primes has exactly 2·bits bits.
        while (true)
        {
            var candidate = BcInteger.ProbablePrime(bits, random);
            if (candidate.TestBit(bits - 2))
            {
                return new BigInteger(candidate.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);
            }
        }
    }
}
