using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Duet.Crypto.Paillier;

/// <summary>
/// The key owner's encryption randomness as a function of a secret 256-bit seed, the operand's index and its
/// plaintext (HKDF-Expand with HMAC-SHA256, the seed as its pseudorandom key): the same operand encrypted again gives
/// the same ciphertext, so a resumed session can prove it re-sent what it sent before, and two different
/// (index, plaintext) pairs never share an α.
/// </summary>
public sealed class EncryptionSeed
{
    /// <summary>Bytes of a seed.</summary>
    public const int Bytes = 32;

    private static readonly byte[] Label = "duet paillier alpha v1"u8.ToArray();
    private readonly byte[] seed;

    public EncryptionSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Bytes)
        {
            throw new ArgumentException($"An encryption seed has {Bytes} bytes, not {seed.Length}.", nameof(seed));
        }

        this.seed = seed.ToArray();
    }

    /// <summary>A fresh seed from the operating system's CSPRNG.</summary>
    public static byte[] NewRandom() => RandomNumberGenerator.GetBytes(Bytes);

    /// <summary>α of <paramref name="bits"/> bits for the operand at <paramref name="index"/> with this plaintext (in Z_n).</summary>
    internal BigInteger Alpha(long index, BigInteger plaintext, int bits)
    {
        var message = plaintext.ToByteArray(isUnsigned: true, isBigEndian: true);
        var info = new byte[Label.Length + sizeof(long) + message.Length];
        Label.CopyTo(info, 0);
        BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(Label.Length), index);
        message.CopyTo(info, Label.Length + sizeof(long));
        var alpha = new byte[(bits + 7) / 8];
        HKDF.Expand(HashAlgorithmName.SHA256, seed, alpha, info);
        if (bits % 8 != 0)
        {
            alpha[0] &= (byte)((1 << (bits % 8)) - 1);
        }

        return new BigInteger(alpha, isUnsigned: true, isBigEndian: true);
    }
}
