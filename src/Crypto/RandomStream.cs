using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Duet.Crypto;

/// <summary>
/// A deterministic stream of pseudorandom bytes: AES-256 in counter mode under a key derived (HKDF-SHA256) from a
/// secret seed and a label. A computation that draws its randomness from it can be repeated exactly by whoever holds
/// the seed (a party checking a tile another of its nodes computed), and by nobody else.
/// </summary>
public sealed class RandomStream : IDisposable
{
    /// <summary>Bytes of a seed.</summary>
    public const int SeedBytes = 32;

    private const int Blocks = 64;
    private readonly Aes aes = Aes.Create();
    private readonly byte[] counters = new byte[Blocks * 16];
    private readonly byte[] stream = new byte[Blocks * 16];
    private ulong next;
    private int used;

    public RandomStream(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"A random stream's seed has {SeedBytes} bytes, not {seed.Length}.", nameof(seed));
        }

        var key = new byte[32];
        HKDF.Expand(HashAlgorithmName.SHA256, seed, key, info);
        aes.Key = key;
        CryptographicOperations.ZeroMemory(key);
        used = stream.Length;
    }

    /// <summary>A fresh seed from the operating system's CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedBytes);

    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (used == stream.Length)
            {
                Refill();
            }

            var take = Math.Min(destination.Length, stream.Length - used);
            stream.AsSpan(used, take).CopyTo(destination);
            used += take;
            destination = destination[take..];
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(stream);
        aes.Dispose();
    }

    private void Refill()
    {
        for (var i = 0; i < Blocks; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((i * 16) + 8, 8), next++);
        }

        aes.EncryptEcb(counters, stream, PaddingMode.None);
        used = 0;
    }
}
