using System.Security.Cryptography;

namespace Duet.Actors.Protocol;

/// <summary>A message of the two-party protocol (docs/protocol.md §10). Every one names its session.</summary>
public interface IProtocolMessage
{
    /// <summary>The 128-bit random id of the session, chosen by the party that opens it.</summary>
    Guid SessionId { get; }
}

/// <summary>Session ids are 128 bits from the CSPRNG (a version-4 Guid carries only 122 random bits).</summary>
public static class SessionIds
{
    public static Guid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new Guid(bytes);
    }
}
