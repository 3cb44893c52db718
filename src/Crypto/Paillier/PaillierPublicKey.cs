using System.Buffers.Binary;
using System.Numerics;

namespace Duet.Crypto.Paillier;

/// <summary>
/// A Paillier public key n with g = n + 1 and the DJN randomiser base h_s = (−x²)^n mod n²: passive data, validated
/// when made (docs/protocol.md §9) and immutable after. The arithmetic on it lives in a <see cref="PaillierContext"/>.
/// </summary>
public sealed class PaillierPublicKey
{
    /// <summary>The smallest modulus accepted in production.</summary>
    public const int MinimumBits = 2048;

    /// <summary>The statistical security parameter's floor (docs/protocol.md §4, §5.4).</summary>
    public const int MinimumSigma = 40;

    private static readonly byte[] Magic = "DPK1"u8.ToArray();

    /// <summary>DPK2: DPK1 followed by the order bits l of a <see cref="KeyForm.Fast"/> key.</summary>
    private static readonly byte[] FastMagic = "DPK2"u8.ToArray();

    private PaillierPublicKey(BigInteger n, BigInteger hs, int? orderBits)
    {
        N = n;
        OrderBits = orderBits;
        NSquared = n * n;
        Hs = hs;
        Bits = (int)n.GetBitLength();
        HalfN = n >> 1;
        CiphertextBytes = (int)((NSquared.GetBitLength() + 7) / 8);
    }

    public BigInteger N { get; }

    public BigInteger NSquared { get; }

    public BigInteger Hs { get; }

    /// <summary>Bit length of n.</summary>
    public int Bits { get; }

    /// <summary>l for a <see cref="KeyForm.Fast"/> key: the order of h_s divides 2·p·q with p·q of l bits; null for a
    /// standard key.</summary>
    public int? OrderBits { get; }

    public KeyForm Form => OrderBits is null ? KeyForm.Standard : KeyForm.Fast;

    /// <summary>
    /// Bit length of the DJN exponent α of the key owner's own encryptions: |n|/2, or l for a fast key (docs/protocol.md
    /// §8). Nobody but the key owner may use it: the key owner can take discrete logarithms of powers of h_s.
    /// </summary>
    public int RandomiserBits => OrderBits ?? Bits / 2;

    /// <summary>Bytes of one ciphertext written big-endian at fixed width: those of n².</summary>
    public int CiphertextBytes { get; }

    private BigInteger HalfN { get; }

    /// <summary>
    /// Bit length of the exponent α of an encryption of zero made without the private key, i.e. the evaluator's
    /// re-randomiser: |n| + σ, so that α mod ord(h_s) is within 2^−σ of uniform even to the key owner (docs/protocol.md §5.4);
    /// for a fast key l + 1 + σ, since the order of h_s divides 2·p·q &lt; 2^(l+1).
    /// </summary>
    public int RerandomiserBits(int sigma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sigma, MinimumSigma);
        return (OrderBits is { } l ? l + 1 : Bits) + sigma;
    }

    /// <summary>Makes a key from its parts, running every check of docs/protocol.md §9; <paramref name="orderBits"/> is l
    /// of a <see cref="KeyForm.Fast"/> key, which must be the form's value for the key size.</summary>
    public static PaillierPublicKey Create(BigInteger n, BigInteger hs, int minimumBits = MinimumBits, int? orderBits = null)
    {
        Validate(n, hs, minimumBits);
        if (orderBits is { } l)
        {
            var bits = (int)n.GetBitLength();
            if ((bits >= MinimumBits && !FastKeyForm.SupportedBits.Contains(bits)) || l != FastKeyForm.OrderBits(bits))
            {
                throw new InvalidKeyException("order-bits", $"A fast key needs a 2048- or 3072-bit modulus with order bits 448 or 512; this one has {bits} bits and order bits {l}.");
            }
        }

        return new PaillierPublicKey(n, hs, orderBits);
    }

    /// <summary>
    /// A key made WITHOUT the checks of docs/protocol.md §9, for tests that attack toy keys (e.g. 32-bit moduli whose discrete
    /// logarithms a test can take). Internal: production code only ever uses <see cref="Create"/>.
    /// </summary>
    internal static PaillierPublicKey CreateUncheckedForTests(BigInteger n, BigInteger hs, int? orderBits = null) => new(n, hs, orderBits);

    public static PaillierPublicKey FromBytes(ReadOnlySpan<byte> bytes, int minimumBits = MinimumBits)
    {
        int? orderBits = null;
        if (bytes.Length >= 16 && bytes[..4].SequenceEqual(FastMagic))
        {
            orderBits = BinaryPrimitives.ReadInt32BigEndian(bytes[^4..]);
            bytes = bytes[..^4];
        }
        else if (bytes.Length < 12 || !bytes[..4].SequenceEqual(Magic))
        {
            throw new InvalidKeyException("format", "The public key bytes do not start with the DPK1 or DPK2 header.");
        }

        var nLength = BinaryPrimitives.ReadInt32BigEndian(bytes[4..]);
        if (nLength <= 0 || nLength > 4096 || bytes.Length < 12 + nLength)
        {
            throw new InvalidKeyException("format", "The public key's modulus length is out of range.");
        }

        var n = new BigInteger(bytes.Slice(8, nLength), isUnsigned: true, isBigEndian: true);
        var hLength = BinaryPrimitives.ReadInt32BigEndian(bytes[(8 + nLength)..]);
        if (hLength <= 0 || bytes.Length != 12 + nLength + hLength)
        {
            throw new InvalidKeyException("format", "The public key's h_s length does not match the bytes received.");
        }

        var hs = new BigInteger(bytes.Slice(12 + nLength, hLength), isUnsigned: true, isBigEndian: true);
        return Create(n, hs, minimumBits, orderBits);
    }

    public byte[] ToBytes()
    {
        var n = N.ToByteArray(isUnsigned: true, isBigEndian: true);
        var h = Hs.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[12 + n.Length + h.Length + (OrderBits is null ? 0 : 4)];
        (OrderBits is null ? Magic : FastMagic).CopyTo(bytes, 0);
        if (OrderBits is { } l)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(bytes.Length - 4), l);
        }

        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), n.Length);
        n.CopyTo(bytes, 8);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8 + n.Length), h.Length);
        h.CopyTo(bytes, 12 + n.Length);
        return bytes;
    }

    /// <summary>A signed plaintext in (−n/2, n/2] as its representative in [0, n).</summary>
    public BigInteger ToPlaintextSpace(BigInteger value)
    {
        if (BigInteger.Abs(value) > HalfN)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"A plaintext must lie within ±n/2 ({Bits}-bit n).");
        }

        return value.Sign < 0 ? value + N : value;
    }

    /// <summary>The signed value, centred in (−n/2, n/2], of a representative in [0, n).</summary>
    public BigInteger FromPlaintextSpace(BigInteger value) => value > HalfN ? value - N : value;

    private static void Validate(BigInteger n, BigInteger hs, int minimumBits)
    {
        if (n.GetBitLength() < minimumBits)
        {
            throw new InvalidKeyException("modulus-size", $"The modulus has {n.GetBitLength()} bits; at least {minimumBits} are required.");
        }

        if (n.IsEven)
        {
            throw new InvalidKeyException("modulus-odd", "The modulus is even.");
        }

        foreach (var prime in SmallPrimes.Below65536)
        {
            if ((n % prime).IsZero)
            {
                throw new InvalidKeyException("small-factor", $"The modulus has the small prime factor {prime}.");
            }
        }

        var nSquared = n * n;
        if (hs.Sign <= 0 || hs >= nSquared || !BigInteger.GreatestCommonDivisor(hs, n).IsOne)
        {
            throw new InvalidKeyException("hs", "h_s is not a unit modulo n².");
        }

        // ±1 generate a subgroup of order at most 2: "re-randomising" with them would leave a ciphertext as it is.
        if (hs.IsOne || hs == nSquared - 1)
        {
            throw new InvalidKeyException("hs-trivial", "h_s is 1 or n² − 1, which re-randomises nothing.");
        }
    }
}


internal static class SmallPrimes
{
    public static readonly int[] Below65536 = Sieve(65536);

    private static int[] Sieve(int limit)
    {
        var composite = new bool[limit];
        var primes = new List<int>();
        for (var i = 2; i < limit; i++)
        {
            if (composite[i])
            {
                continue;
            }

            primes.Add(i);
            for (var j = (long)i * i; j < limit; j += i)
            {
                composite[j] = true;
            }
        }

        return [.. primes];
    }
}
