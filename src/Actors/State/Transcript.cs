using System.Numerics;
using System.Security.Cryptography;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;

namespace Duet.Actors.State;

/// <summary>
/// The digest of a whole session that each party's <c>Done</c> carries (docs/protocol.md §10): both hellos, the public
/// key, every block both ways (per block, in block order) and every revealed share. Both parties compute it from
/// what they sent and received; equal digests mean both saw the same session.
/// </summary>
internal static class Transcript
{
    private static readonly byte[] Absent = new byte[SHA256.HashSizeInBytes];

    /// <summary>The session's public key as its key message carried it.</summary>
    public static byte[] KeyDigest(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(key);
    }

    /// <summary>A revealed share as its values travel, row by row.</summary>
    public static byte[] ShareDigest(Matrix<BigInteger> share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return SHA256.HashData(SignedIntegerCodec.Encode(share.Data));
    }

    /// <param name="revealedByLeft">Digest of the share the left party revealed, or null when it revealed none.</param>
    /// <param name="revealedByRight">Likewise for the right party.</param>
    public static byte[] Digest(
        Agreement agreement, byte[] keyDigest, BlockLedger fromEncryptor, BlockLedger fromEvaluator, byte[]? revealedByLeft, byte[]? revealedByRight)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(fromEncryptor);
        ArgumentNullException.ThrowIfNull(fromEvaluator);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("duet transcript"u8);
        hash.AppendData(SHA256.HashData(HelloCodec.EncodeHello(agreement.Left)));
        hash.AppendData(SHA256.HashData(HelloCodec.EncodeHello(agreement.Right)));
        hash.AppendData(keyDigest);
        hash.AppendData(fromEncryptor.Transcript());
        hash.AppendData(fromEvaluator.Transcript());
        hash.AppendData(revealedByLeft ?? Absent);
        hash.AppendData(revealedByRight ?? Absent);
        return hash.GetHashAndReset();
    }
}
