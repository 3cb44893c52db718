namespace Duet.Actors.Protocol;

// The numeric values are part of the wire format (Hello, Abort): never renumber, only append.

/// <summary>Why a session was aborted; both sides report the same code.</summary>
public enum AbortReason
{
    /// <summary>Hello parameters do not agree (version, shapes, bounds, domain, key size, σ).</summary>
    Incompatible = 0,

    /// <summary>Both parties forced the same role.</summary>
    RoleConflict = 1,

    /// <summary>The public key failed validation (docs/protocol.md §9).</summary>
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

    /// <summary>The encryptor's key is of the experimental fast form and the evaluator did not opt in to it
    /// (<c>duet.session.accept-fast-key</c>, docs/protocol.md §8).</summary>
    FastKeyRefused = 12,

    /// <summary>A resumed session is not the journaled one: its encrypted operand, a share band on disk, or tiles
    /// left to compute after a reveal began (protocol version 6).</summary>
    ResumeMismatch = 13,
}
