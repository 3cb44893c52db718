using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Duet.Crypto.Lattice;

/// <summary>
/// An extendable-output stream from a 256-bit seed: AES-256 in counter mode (AES-NI, or
/// System.Security.Cryptography without it). With a public seed it expands the uniform half of a ciphertext identically on both
/// sides; with a seed from <see cref="Randomness"/> it is the CSPRNG of secrets and noise (a CTR-DRBG without reseed).
/// </summary>
public sealed class Xof : IDisposable
{
    public const int SeedBytes = 32;
    private const int BufferBytes = 4096;

    private readonly AesCounter cipher;
    private readonly byte[] buffer = new byte[BufferBytes];
    private int position = BufferBytes;
    private ulong pairs;
    private int pairsLeft;

    public Xof(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"A seed has {SeedBytes} bytes, got {seed.Length}.", nameof(seed));
        }

        cipher = new AesCounter(seed);
    }

    /// <summary>A stream seeded from the process CSPRNG.</summary>
    public static Xof Fresh()
    {
        Span<byte> seed = stackalloc byte[SeedBytes];
        Randomness.Fill(seed);
        var xof = new Xof(seed);
        CryptographicOperations.ZeroMemory(seed);
        return xof;
    }

    public static byte[] NewSeed()
    {
        var seed = new byte[SeedBytes];
        Randomness.Fill(seed);
        return seed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (position == BufferBytes)
            {
                Refill();
            }

            var n = Math.Min(destination.Length, BufferBytes - position);
            buffer.AsSpan(position, n).CopyTo(destination);
            position += n;
            destination = destination[n..];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        if (position > BufferBytes - 8)
        {
            Refill();
        }

        var v = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(position, 8));
        position += 8;
        return v;
    }

    public UInt128 NextUInt128() => new(NextUInt64(), NextUInt64());

    /// <summary>Uniform in [0, 2^bits) for bits ≤ 128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public UInt128 NextBits(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 128);
        var v = bits > 64 ? NextUInt128() : NextUInt64();
        return bits == 128 ? v : v & ((UInt128.One << bits) - 1);
    }

    /// <summary>Uniform in [0, q) by rejection on bitlen(q) bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong NextBelow(ulong q)
    {
        var mask = ulong.MaxValue >> BitOperations.LeadingZeroCount(q);
        while (true)
        {
            var v = NextUInt64() & mask;
            if (v < q)
            {
                return v;
            }
        }
    }

    /// <summary>Uniform in [0, bound] for a bound below 2^128.</summary>
    public UInt128 NextAtMost(UInt128 bound)
    {
        var bits = 128 - (int)UInt128.LeadingZeroCount(bound);
        while (true)
        {
            var v = NextBits(bits);
            if (v <= bound)
            {
                return v;
            }
        }
    }

    /// <summary>Uniform in {−1, 0, 1}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int NextTernary()
    {
        while (true)
        {
            if (pairsLeft == 0)
            {
                pairs = NextUInt64();
                pairsLeft = 32;
            }

            var v = (int)(pairs & 3);
            pairs >>= 2;
            pairsLeft--;
            if (v != 3)
            {
                return v - 1;
            }
        }
    }

    /// <summary>Centered binomial with parameter η: Σ of η coin differences, |e| ≤ η, variance η/2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int NextCenteredBinomial(int eta)
    {
        var mask = (1UL << eta) - 1;
        var v = NextUInt64();
        return BitOperations.PopCount(v & mask) - BitOperations.PopCount((v >> eta) & mask);
    }

    public void Dispose() => cipher.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Refill()
    {
        cipher.Next(buffer);
        position = 0;
    }
}
