using System.Security.Cryptography;

namespace Duet.Actors;

/// <summary>Names of internal actors that nobody outside the process can guess (a path is not a capability, but a
/// guessable one invites a try).</summary>
internal static class ActorNames
{
    /// <summary>The prefix and 128 random bits in hex.</summary>
    public static string Unguessable(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
}
