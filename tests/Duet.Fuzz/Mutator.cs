using System.Buffers.Binary;

namespace Duet.Fuzz;

/// <summary>A deterministic byte mutator in the spirit of afl's havoc stage: bit flips, byte sets, interesting
/// integers (both byte orders, at any offset), inserts, deletes, duplicated ranges, truncation and splices of
/// two seeds, stacked 1 to 8 at a time. The same seed gives the same inputs on every machine.</summary>
public sealed class Mutator(int seed)
{
    private static readonly long[] Interesting =
    [
        0, 1, -1, 2, 7, 8, 16, 32, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 8192, 8193, 32767, 32768,
        65535, 65536, 100_000, 1 << 24, (16 << 20) + 1, int.MaxValue, int.MinValue, (long)int.MaxValue + 1,
        uint.MaxValue, long.MaxValue, long.MinValue, -128, -129, -32768,
    ];

    private const string Punctuation = "{}[]\"',.:=$#/\\\n\r\t -+eE0x";

    // Not for secrets: a reproducible stream of mutations.
#pragma warning disable CA5394
    private readonly Random random = new(seed);

    /// <summary>The seeds themselves, then <paramref name="count"/> mutants of them.</summary>
    public IEnumerable<byte[]> Inputs(IReadOnlyList<byte[]> seeds, int count)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentOutOfRangeException.ThrowIfZero(seeds.Count);
        foreach (var s in seeds)
        {
            yield return s;
        }

        for (var i = 0; i < count; i++)
        {
            yield return Mutate(seeds[random.Next(seeds.Count)], seeds);
        }
    }

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> seeds)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(seeds);
        var bytes = new List<byte>(input);
        var stack = 1 << random.Next(4);
        for (var i = 0; i < stack; i++)
        {
            MutateOnce(bytes, seeds);
        }

        return [.. bytes];
    }

    private void MutateOnce(List<byte> bytes, IReadOnlyList<byte[]> seeds)
    {
        var at = random.Next(bytes.Count + 1);
        switch (random.Next(bytes.Count == 0 ? 1 : 9))
        {
            case 0:
                bytes.InsertRange(at, RandomBytes(1 + random.Next(8)));
                break;
            case 1:
                bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                break;
            case 2:
                bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                break;
            case 3:
                bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(1 + random.Next(16), bytes.Count - Math.Min(at, bytes.Count - 1)));
                break;
            case 4:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 5:
                var from = random.Next(bytes.Count);
                bytes.InsertRange(at, bytes.GetRange(from, Math.Min(1 + random.Next(32), bytes.Count - from)));
                break;
            case 6:
                var other = seeds[random.Next(seeds.Count)];
                var cut = random.Next(other.Length + 1);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.AsSpan(cut).ToArray());
                break;
            case 7:
                // A text decoder's structure is its punctuation: insert one of it.
                bytes.Insert(at, (byte)Punctuation[random.Next(Punctuation.Length)]);
                break;
            default:
                OverwriteInteger(bytes, Math.Min(at, bytes.Count - 1));
                break;
        }
    }

    private void OverwriteInteger(List<byte> bytes, int at)
    {
        var value = Interesting[random.Next(Interesting.Length)] + random.Next(-1, 2);
        var width = 1 << random.Next(4);
        Span<byte> encoded = stackalloc byte[8];
        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(encoded, value);
            encoded = encoded[..width];
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(encoded, value);
            encoded = encoded[(8 - width)..];
        }

        for (var i = 0; i < width && at + i < bytes.Count; i++)
        {
            bytes[at + i] = encoded[i];
        }
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
#pragma warning restore CA5394
}
