using System.Numerics;
using Org.BouncyCastle.Security;

namespace Duet.Crypto;

/// <summary>
/// The one source of randomness: the operating system's CSPRNG (<see cref="System.Security.Cryptography.RandomNumberGenerator"/>)
/// for masks, exponents and keys' bytes, and a BouncyCastle <see cref="SecureRandom"/> per thread for the BouncyCastle
/// APIs that take one (prime generation). The system generator costs a fraction of BouncyCastle's SHA-256 generator,
/// which took about 2 % of an evaluation tile in its masks and re-randomisers.
/// </summary>
public static class Randomness
{
    [ThreadStatic]
    private static SecureRandom? generator;

    internal static SecureRandom Generator => generator ??= new SecureRandom();

    public static void Fill(Span<byte> destination) => System.Security.Cryptography.RandomNumberGenerator.Fill(destination);

    /// <summary>From <paramref name="stream"/> when given (a repeatable computation), else from the CSPRNG.</summary>
    public static void Fill(Span<byte> destination, RandomStream? stream)
    {
        if (stream is null)
        {
            Fill(destination);
        }
        else
        {
            stream.Fill(destination);
        }
    }

    /// <summary>A uniform integer in [0, 2^bits), from <paramref name="stream"/> when given, else from the CSPRNG.</summary>
    public static BigInteger Bits(int bits, RandomStream? stream = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        var bytes = new byte[(bits + 7) / 8 + 1];
        Fill(bytes.AsSpan(0, bytes.Length - 1), stream);
        if (bits % 8 != 0)
        {
            bytes[^2] &= (byte)((1 << (bits % 8)) - 1);
        }

        bytes[^1] = 0;
        return new BigInteger(bytes, isUnsigned: true);
    }

    /// <summary>A uniform integer in [0, bound), by rejection sampling.</summary>
    public static BigInteger Below(BigInteger bound)
    {
        if (bound.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "The bound must be positive.");
        }

        var bits = (int)bound.GetBitLength();
        while (true)
        {
            var candidate = Bits(bits);
            if (candidate < bound)
            {
                return candidate;
            }
        }
    }

    /// <summary>A uniform unsigned value in [0, 2^bits) for bits ≤ 64.</summary>
    public static ulong UInt64(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        Span<byte> bytes = stackalloc byte[8];
        Fill(bytes);
        var value = BitConverter.ToUInt64(bytes);
        return bits == 64 ? value : value & ((1UL << bits) - 1);
    }
}
