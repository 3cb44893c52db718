using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Duet.Crypto.Lattice;

/// <summary>
/// AES-256 on a block counter (the keystream of CTR mode from counter 0), with AES-NI when the CPU has it and
/// System.Security.Cryptography otherwise; tests check both against each other.
/// </summary>
internal sealed class AesCounter : IDisposable
{
    private const int Rounds = 14;
    private readonly Vector128<byte>[]? keys;
    private readonly System.Security.Cryptography.Aes? fallback;
    private readonly ICryptoTransform? transform;
    private readonly byte[]? counters;
    private ulong counter;

    public AesCounter(ReadOnlySpan<byte> key, bool hardware = true)
    {
        if (hardware && AesNi.IsSupported && Sse2.IsSupported)
        {
            keys = ExpandKey(key);
            return;
        }

        fallback = System.Security.Cryptography.Aes.Create();
        fallback.Key = key.ToArray();
        fallback.Mode = CipherMode.ECB;
        fallback.Padding = PaddingMode.None;
        transform = fallback.CreateEncryptor();
        counters = new byte[4096];
    }

    /// <summary>Writes the next destination.Length / 16 keystream blocks (little-endian 64-bit counter, high half zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Next(Span<byte> destination)
    {
        if (keys is null)
        {
            var blocks = destination.Length / 16;
            var bytes = blocks * 16;
            for (var i = 0; i < bytes; i += 16)
            {
                BitConverter.TryWriteBytes(counters.AsSpan(i, 8), counter++);
                counters.AsSpan(i + 8, 8).Clear();
            }

            var output = new byte[bytes];
            transform!.TransformBlock(counters!, 0, bytes, output, 0);
            output.CopyTo(destination);
            return;
        }

        for (var i = 0; i + 64 <= destination.Length; i += 64)
        {
            var b0 = Vector128.Create(counter, 0UL).AsByte();
            var b1 = Vector128.Create(counter + 1, 0UL).AsByte();
            var b2 = Vector128.Create(counter + 2, 0UL).AsByte();
            var b3 = Vector128.Create(counter + 3, 0UL).AsByte();
            counter += 4;
            var k = keys[0];
            (b0, b1, b2, b3) = (b0 ^ k, b1 ^ k, b2 ^ k, b3 ^ k);
            for (var r = 1; r < Rounds; r++)
            {
                k = keys[r];
                b0 = AesNi.Encrypt(b0, k);
                b1 = AesNi.Encrypt(b1, k);
                b2 = AesNi.Encrypt(b2, k);
                b3 = AesNi.Encrypt(b3, k);
            }

            k = keys[Rounds];
            AesNi.EncryptLast(b0, k).CopyTo(destination[i..]);
            AesNi.EncryptLast(b1, k).CopyTo(destination[(i + 16)..]);
            AesNi.EncryptLast(b2, k).CopyTo(destination[(i + 32)..]);
            AesNi.EncryptLast(b3, k).CopyTo(destination[(i + 48)..]);
        }
    }

    public void Dispose()
    {
        transform?.Dispose();
        fallback?.Dispose();
    }

    private static Vector128<byte>[] ExpandKey(ReadOnlySpan<byte> key)
    {
        var rk = new Vector128<byte>[Rounds + 1];
        rk[0] = Vector128.Create(key[..16]);
        rk[1] = Vector128.Create(key[16..32]);
        for (var i = 2; i <= Rounds; i += 2)
        {
            var t = Sse2.Shuffle(RoundConstantAssist(rk[i - 1], i / 2).AsInt32(), 0xFF).AsByte();
            rk[i] = Mix(rk[i - 2], t);
            if (i + 1 <= Rounds)
            {
                var u = Sse2.Shuffle(AesNi.KeygenAssist(rk[i], 0).AsInt32(), 0xAA).AsByte();
                rk[i + 1] = Mix(rk[i - 1], u);
            }
        }

        return rk;
    }

    /// <summary>AESKEYGENASSIST with the round constant of step i (its immediate must be a constant).</summary>
    private static Vector128<byte> RoundConstantAssist(Vector128<byte> v, int step) => step switch
    {
        1 => AesNi.KeygenAssist(v, 0x01),
        2 => AesNi.KeygenAssist(v, 0x02),
        3 => AesNi.KeygenAssist(v, 0x04),
        4 => AesNi.KeygenAssist(v, 0x08),
        5 => AesNi.KeygenAssist(v, 0x10),
        6 => AesNi.KeygenAssist(v, 0x20),
        _ => AesNi.KeygenAssist(v, 0x40),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Mix(Vector128<byte> previous, Vector128<byte> assist)
    {
        var x = previous;
        x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
        x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
        x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
        return x ^ assist;
    }
}
