namespace Duet.Actors.Protocol;

// The numeric values are part of the wire format (Hello, Abort): never renumber, only append.

/// <summary>The role a party asks for at handshake (docs/protocol.md §2).</summary>
public enum RolePreference
{
    /// <summary>The party with the smaller matrix becomes the Encryptor.</summary>
    Auto = 0,
    Encryptor = 1,
    Evaluator = 2,
}
