using Duet.Crypto.Arithmetic;
using System.Numerics;
using Org.BouncyCastle.Security;
using BcInteger = Org.BouncyCastle.Math.BigInteger;

namespace Duet.Crypto.Paillier;

/// <summary>Generates Paillier keys as docs/protocol.md §8 requires.</summary>
public static class PaillierKeyGenerator
{
    public static readonly IReadOnlyList<int> SupportedBits = [2048, 3072, 4096];

    // Miller–Rabin error below 2^−100 for a composite.
    private const int PrimeCertainty = 100;

    /// <summary>A new key of exactly `bits` bits. Sizes below 2048 are for tests only and need allowTestSizes.</summary>
    public static PaillierPrivateKey Generate(int bits, bool allowTestSizes = false, KeyForm form = KeyForm.Standard)
    {
        if (!SupportedBits.Contains(bits) && !(allowTestSizes && bits >= 256 && bits % 2 == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"Key size {bits} is not supported; use 2048, 3072 or 4096.");
        }

        if (form == KeyForm.Fast)
        {
            return GenerateFast(bits);
        }

        var random = Randomness.Generator;
        var half = bits / 2;
        while (true)
        {
            var p = Prime(half, random);
            var q = Prime(half, random);
            var n = p * q;
            if (n.GetBitLength() != bits || !PaillierPrivateKey.FarApart(p, q, bits) || !PaillierPrivateKey.CoprimeToTotient(p, q))
            {
                continue;
            }

            var publicKey = PaillierPublicKey.Create(n, RandomiserBase(n), Math.Min(bits, PaillierPublicKey.MinimumBits));
            return new PaillierPrivateKey(p, q, publicKey);
        }
    }

    /// <summary>
    /// A <see cref="KeyForm.Fast"/> key: P = 2·p·p′ + 1 and Q = 2·q·q′ + 1 with p, q primes of l/2 bits and p′, q′ odd,
    /// and h_s = (−y^(2·p′·q′))^n mod n² for a random unit y, of order dividing 2·p·q.
    /// </summary>
    private static PaillierPrivateKey GenerateFast(int bits)
    {
        if (bits >= PaillierPublicKey.MinimumBits && !FastKeyForm.SupportedBits.Contains(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"The fast key form supports 2048- and 3072-bit keys, not {bits}.");
        }

        var random = Randomness.Generator;
        var (half, orderBits) = (bits / 2, FastKeyForm.OrderBits(bits));
        while (true)
        {
            var (p, pOrder) = FastPrime(half, orderBits / 2, random);
            var (q, qOrder) = FastPrime(half, orderBits / 2, random);
            var n = p * q;
            if (n.GetBitLength() != bits || !PaillierPrivateKey.FarApart(p, q, bits) || pOrder == qOrder || !PaillierPrivateKey.CoprimeToTotient(p, q))
            {
                continue;
            }

            var beta = (p - 1) / (2 * pOrder) * ((q - 1) / (2 * qOrder));
            BigInteger y;
            do
            {
                y = Randomness.Below(n);
            }
            while (y.IsZero || !BigInteger.GreatestCommonDivisor(y, n).IsOne);

            var h = n - Backends.PowSecret(y, 2 * beta, n);
            var hs = Backends.PowSecret(h, n, n * n);
            var publicKey = PaillierPublicKey.Create(n, hs, Math.Min(bits, PaillierPublicKey.MinimumBits), orderBits);
            return new PaillierPrivateKey(p, q, publicKey, pOrder, qOrder);
        }
    }

    /// <summary>A prime P = 2·p·p′ + 1 of exactly <paramref name="bits"/> bits, top two set, with p a prime of
    /// <paramref name="orderBits"/> bits and p′ odd, drawn uniformly from the range that gives P that size.</summary>
    private static (BigInteger Prime, BigInteger Order) FastPrime(int bits, int orderBits, SecureRandom random)
    {
        var order = new BigInteger(BcInteger.ProbablePrime(orderBits, random).ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);
        if (Backends.Current == Backends.Native)
        {
            // P ≡ 2p + 1 (mod 4p) is P = 2p·p′ + 1 with p′ odd; OpenSSL sets only the top bit here, so retry for two.
            while (true)
            {
                var prime = NativePrimes.Generate(bits, (4 * order, (2 * order) + 1));
                if (prime.GetBitLength() == bits && ((prime >> (bits - 2)) & 3) == 3)
                {
                    return (prime, order);
                }
            }
        }

        var twiceOrder = new BcInteger(1, (2 * order).ToByteArray(isUnsigned: true, isBigEndian: true));

        // P in [3·2^(bits−2), 2^bits) has exactly these bits with the top two set: p′ ranges over that interval / 2p.
        var lowest = BcInteger.Three.ShiftLeft(bits - 2).Add(twiceOrder).Subtract(BcInteger.One).Divide(twiceOrder);
        var highest = BcInteger.One.ShiftLeft(bits).Subtract(BcInteger.Two).Divide(twiceOrder);
        while (true)
        {
            var cofactor = new BcInteger(highest.BitLength, random).SetBit(0);
            if (cofactor.CompareTo(lowest) < 0 || cofactor.CompareTo(highest) > 0)
            {
                continue;
            }

            var candidate = twiceOrder.Multiply(cofactor).Add(BcInteger.One);
            if (candidate.IsProbablePrime(PrimeCertainty))
            {
                return (new BigInteger(candidate.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true), order);
            }
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
        return Backends.PowSecret(h, n, n * n);
    }

    private static BigInteger Prime(int bits, SecureRandom random)
    {
        // Top two bits set so that the product of two such primes has exactly 2·bits bits (OpenSSL's always are).
        if (Backends.Current == Backends.Native)
        {
            return NativePrimes.Generate(bits);
        }

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
