using Duet.Crypto.Schemes;
using System.Text;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Protocol;

// Sent by both parties, whatever their role.

/// <summary>Opens a session (both ways). Each side checks that the other's parameters agree with its own
/// and derives the roles and the packing plan from the two Hellos.</summary>
/// <param name="ProtocolVersion">The sender's <c>duet.protocol-version</c>.</param>
/// <param name="Side">Which operand of P = L·R the sender holds.</param>
/// <param name="Rows">Rows of the sender's matrix.</param>
/// <param name="Columns">Columns of the sender's matrix.</param>
/// <param name="InputBits">Declared bound: every entry x of the sender's matrix has |x| &lt; 2^InputBits.</param>
/// <param name="FractionBits">Fixed-point fraction bits of the sender's entries.</param>
/// <param name="KeyBits">Paillier modulus size the sender asks for (the Encryptor's is used).</param>
/// <param name="Sigma">Statistical security parameter σ.</param>
/// <param name="PartyName">Free text for logs and error messages, never trusted.</param>
/// <param name="Scheme">The homomorphic scheme the sender asks for; both must ask for the same.</param>
/// <param name="Resume">Null for a new session; when the sender resumes an interrupted one (whose id this hello
/// carries), the result tiles it committed. Both parties resume or neither; they skip the tiles both committed.</param>
/// <param name="KeyForm">The form of the Paillier key the sender uses if it encrypts.</param>
/// <param name="AcceptFastKey">Whether the sender, if it evaluates, accepts a key of the fast form. The evaluator decides
/// (docs/protocol.md §8): both parties refuse a fast key at the handshake, before any key is made, unless the evaluator's
/// hello accepts it.</param>
public sealed record Hello(
    Guid SessionId,
    int ProtocolVersion,
    OperandSide Side,
    int Rows,
    int Columns,
    int InputBits,
    int FractionBits,
    ShareDomain Domain,
    Reveal Reveal,
    int KeyBits,
    int Sigma,
    RolePreference Role,
    string PartyName,
    Scheme Scheme = Scheme.Paillier,
    TileRanges? Resume = null,
    KeyForm KeyForm = KeyForm.Standard,
    bool AcceptFastKey = false,
    int LinkMbps = ProductShape.DefaultLinkMbps) : IProtocolMessage;

/// <summary>Closes the session's exchange: what the sender of <c>Done</c> received, and its digest of the whole
/// transcript, for the peer to check against its own (docs/protocol.md §10).</summary>
/// <param name="Count">Number of ciphertexts received.</param>
/// <param name="Digest">SHA-256 (32 bytes) of the whole transcript as the sender saw it: both hellos, the public key,
/// every block both ways and every revealed share (see <c>State.Transcript</c>).</param>
public sealed record Done(Guid SessionId, long Count, byte[] Digest) : IProtocolMessage
{
    /// <summary>Length of <see cref="Digest"/>: SHA-256.</summary>
    public const int DigestBytes = 32;

    public bool Equals(Done? other) =>
        other is not null && SessionId == other.SessionId && Count == other.Count && ByteContent.Equal(Digest, other.Digest);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(Count);
        ByteContent.AddTo(ref hash, Digest);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, Count = {Count}, ");
        ByteContent.Print(builder, nameof(Digest), Digest);
        return true;
    }
}

/// <summary>Ends the session with a typed error that both sides report; no share is written.</summary>
/// <param name="Text">Human-readable detail. The wire keeps at most
/// <see cref="Wire.WireLimits.MaxAbortTextBytes"/> UTF-8 bytes of it.</param>
public sealed record Abort(Guid SessionId, AbortReason Reason, string Text) : IProtocolMessage;

/// <summary>The final acknowledgement: the sender checked the peer's <see cref="Done"/> against its own transcript.
/// A party commits its output only when it checked the peer's Done and received the peer's Confirm.</summary>
public sealed record Confirm(Guid SessionId) : IProtocolMessage;
