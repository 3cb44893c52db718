using System.Security.Cryptography;

namespace Duet.Actors.Tiles;

/// <summary>
/// A session's capability: 256 random bits that every internal message of the session (tiles, their results, worker
/// registrations) carries and that only the session's own nodes learn (in-process, or in a node's set-up over the
/// party's mutual-TLS links). A path or a sender field can be guessed or forged; this cannot.
/// </summary>
internal static class SessionCapability
{
    public const int Bytes = 32;

    /// <summary>A fresh capability from the CSPRNG.</summary>
    public static byte[] New() => RandomNumberGenerator.GetBytes(Bytes);

    /// <summary>True when <paramref name="offered"/> is <paramref name="expected"/>, in time independent of where they differ.</summary>
    public static bool Admits(byte[] expected, byte[]? offered) =>
        offered is { Length: Bytes } && expected.Length == Bytes && CryptographicOperations.FixedTimeEquals(expected, offered);
}
