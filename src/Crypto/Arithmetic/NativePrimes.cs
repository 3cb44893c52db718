using System.Numerics;
using System.Security.Cryptography;

namespace Duet.Crypto.Arithmetic;

/// <summary>Random primes from OpenSSL, for key generation on the native backend: a fraction of the time BouncyCastle
/// takes (about 0.5 CPU-s for a 2048-bit key there, several seconds for 3072 bits, more before the JIT warms up).</summary>
internal static class NativePrimes
{
    /// <summary>A random probable prime of exactly <paramref name="bits"/> bits whose top two bits are set.</summary>
    public static BigInteger Generate(int bits) => Generate(bits, null);

    /// <summary>
    /// A random probable prime P of <paramref name="bits"/> bits (top bit set) with P mod add = rem, or with the top two
    /// bits set when <paramref name="congruence"/> is null.
    /// </summary>
    public static unsafe BigInteger Generate(int bits, (BigInteger Add, BigInteger Rem)? congruence)
    {
        using var prime = new SafeBignumHandle();
        using var add = congruence is { } c ? NativeMontgomeryContext.FromBigInteger(c.Add) : null;
        using var rem = congruence is { } r ? NativeMontgomeryContext.FromBigInteger(r.Rem) : null;
        var status = NativeMethods.BN_generate_prime_ex(
            prime, bits, 0, add?.DangerousGetHandle() ?? IntPtr.Zero, rem?.DangerousGetHandle() ?? IntPtr.Zero, IntPtr.Zero);
        if (status != 1)
        {
            throw new CryptographicException("OpenSSL could not generate a prime.");
        }

        var length = (bits + 7) / 8;
        Span<byte> bytes = stackalloc byte[length];
        try
        {
            fixed (byte* to = bytes)
            {
                if (NativeMethods.BN_bn2binpad(prime, to, length) != length)
                {
                    throw new CryptographicException("OpenSSL's prime does not fit its size.");
                }
            }

            return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
