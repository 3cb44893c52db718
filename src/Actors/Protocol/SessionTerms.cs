namespace Duet.Actors.Protocol;

// The numeric values are part of the wire format: never renumber, only append. The same holds for the two
// enums Hello borrows from Duet.Crypto (OperandSide, ShareDomain), which are one concept with one definition.

/// <summary>Who receives the revealed product, named by operand side so both parties agree.</summary>
public enum Reveal
{
    None = 0,
    ToLeft = 1,
    ToRight = 2,
    Both = 3,
}

/// <summary>The role a party asks for at handshake (PROTOCOL.md §2).</summary>
public enum RolePreference
{
    /// <summary>The party with the smaller matrix becomes the Encryptor.</summary>
    Auto = 0,
    Encryptor = 1,
    Evaluator = 2,
}

/// <summary>Why a session was aborted; both sides report the same code.</summary>
public enum AbortReason
{
    /// <summary>Hello parameters do not agree (version, shapes, bounds, domain, key size, σ).</summary>
    Incompatible = 0,

    /// <summary>Both parties forced the same role.</summary>
    RoleConflict = 1,

    /// <summary>The public key failed validation (PROTOCOL.md §9).</summary>
    InvalidKey = 2,

    /// <summary>A ciphertext is out of range or not a unit.</summary>
    InvalidCiphertext = 3,

    /// <summary>Shapes, counts, indices or the final digest do not match the agreed plan.</summary>
    PlanMismatch = 4,

    /// <summary>The same index arrived twice with different contents.</summary>
    DuplicateMismatch = 5,

    /// <summary>A message that the current protocol state does not allow.</summary>
    UnexpectedMessage = 6,

    Timeout = 7,

    /// <summary>The remote actor system became unreachable.</summary>
    PeerLost = 8,

    /// <summary>A tile worker failed beyond retry.</summary>
    WorkerFailure = 9,

    /// <summary>Stopped on request of the local operator.</summary>
    Cancelled = 10,

    Internal = 11,
}

/// <summary>What a reveal choice means for one operand side.</summary>
public static class RevealExtensions
{
    /// <summary>True when the product is revealed to the party holding this operand side.</summary>
    public static bool ReachesSide(this Reveal reveal, Duet.Crypto.MatMul.OperandSide side) => reveal switch
    {
        Reveal.Both => true,
        Reveal.ToLeft => side == Duet.Crypto.MatMul.OperandSide.Left,
        Reveal.ToRight => side == Duet.Crypto.MatMul.OperandSide.Right,
        _ => false,
    };
}
