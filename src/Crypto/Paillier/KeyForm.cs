using Duet.Crypto.Arithmetic;
using System.Numerics;

namespace Duet.Crypto.Paillier;

// The numeric values are part of the wire format (PublicKey) and the key file: never renumber, only append.

/// <summary>How a Paillier key's primes and randomiser base are made (docs/protocol.md §8).</summary>
public enum KeyForm
{
    /// <summary>p, q random primes; h_s = (−x²)^n; DCR assumption only. The default.</summary>
    Standard = 0,

    /// <summary>
    /// Experimental, after Ma, Han and Lei ("Optimized Paillier's Cryptosystem with Fast Encryption and Decryption",
    /// ACSAC 2021): P = 2·p·p′ + 1 and Q = 2·q·q′ + 1 with p, q primes of l/2 bits, and h_s = (−y^(2·p′·q′))^n, whose
    /// order divides 2·p·q. Encryption exponents have l bits and decryption raises to 2p and 2q instead of P − 1 and
    /// Q − 1. Rests on an additional assumption: discrete logarithms with exponents of l bits in that subgroup are hard
    /// (and factoring stays hard knowing that P − 1 and Q − 1 have an l/2-bit prime factor).
    /// </summary>
    Fast = 1,
}

/// <summary>The parameters of <see cref="KeyForm.Fast"/>.</summary>
public static class FastKeyForm
{
    /// <summary>l, the bits of p·q, for the key sizes the paper gives: 448 for 2048-bit n and 512 for 3072 (about the
    /// modulus's own security level, doubled). Test-only key sizes below 2048 scale it as 7/32 of |n|.</summary>
    public static int OrderBits(int keyBits) => keyBits switch
    {
        2048 => 448,
        3072 => 512,
        < 2048 => 2 * (keyBits * 7 / 64),
        _ => throw new ArgumentOutOfRangeException(nameof(keyBits), $"The fast key form is defined for 2048- and 3072-bit keys, not {keyBits}."),
    };

    /// <summary>Key sizes the fast form supports in production.</summary>
    public static readonly IReadOnlyList<int> SupportedBits = [2048, 3072];

    // Miller–Rabin error below 2^−100 for a composite.
    private const int PrimeCertainty = 100;

    /// <summary>
    /// The checks of a loaded fast key beyond those of every key: each subgroup order is a prime of l/2 bits dividing
    /// (P − 1)/2, resp. (Q − 1)/2, and h_s^(2·p·q) = 1 mod n², so that decryption with exponents 2p and 2q is right.
    /// </summary>
    internal static void CheckOrders(BigInteger p, BigInteger q, BigInteger pOrder, BigInteger qOrder, PaillierPublicKey key)
    {
        var half = FastKeyForm.OrderBits(key.Bits) / 2;
        foreach (var (prime, order, name) in new[] { (p, pOrder, "p"), (q, qOrder, "q") })
        {
            if (order.GetBitLength() != half || !((prime - 1) % (2 * order)).IsZero)
            {
                throw new InvalidKeyException("private-order", $"The key file's {name}-order is not a {half}-bit divisor of ({name} − 1)/2.");
            }

            if (!new Org.BouncyCastle.Math.BigInteger(1, order.ToByteArray(isUnsigned: true, isBigEndian: true)).IsProbablePrime(PrimeCertainty))
            {
                throw new InvalidKeyException("private-order", $"The key file's {name}-order is not prime.");
            }
        }

        if (!Backends.PowSecret(key.Hs, 2 * pOrder * qOrder, key.NSquared).IsOne)
        {
            throw new InvalidKeyException("private-order", "h_s does not have an order dividing 2·p·q: it is not the base of this fast key.");
        }
    }
}
