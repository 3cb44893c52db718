using System.Text;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Protocol;

// Delivery of a share to a third party C (`duet collect`): A or B sends its share, C only acknowledges.

/// <summary>Opens the delivery of one party's final share to the collector: the facts of its <c>.duet.json</c>
/// metadata, the SHA-256 of the whole share in the encoding of <see cref="Wire.SignedIntegerCodec"/>, and the digest of
/// the session's transcript that both parties checked; on a TLS delivery, signed with the sender's certificate.</summary>
/// <param name="Side">The operand side of the party whose share this is.</param>
/// <param name="FractionBits">Fraction bits of the product (fx + fy).</param>
/// <param name="Rows">Rows of P.</param>
/// <param name="Columns">Columns of P.</param>
/// <param name="Digest">SHA-256 (32 bytes) of every entry's encoding, in row-major order.</param>
/// <param name="Transcript">The session's transcript digest (32 bytes) that both parties' <c>Done</c> carried.</param>
public sealed record ShareOffer(Guid SessionId, OperandSide Side, ShareDomain Domain, int FractionBits, int Rows, int Columns, byte[] Digest, byte[] Transcript)
    : IProtocolMessage
{
    /// <summary>Length of <see cref="Digest"/> and <see cref="Transcript"/>: SHA-256.</summary>
    public const int DigestBytes = 32;

    /// <summary>The largest fraction bits a product can carry: both operands' at most.</summary>
    public const int MaxFractionBits = 2 * FixedPoint.MaxInputBits;

    /// <summary>The sender's proof that its certificate sent this offer; null on a plaintext delivery (--insecure).</summary>
    public OfferSignature? Signature { get; init; }

    public bool Equals(ShareOffer? other) =>
        other is not null && SessionId == other.SessionId && Side == other.Side && Domain == other.Domain && FractionBits == other.FractionBits
        && Rows == other.Rows && Columns == other.Columns && ByteContent.Equal(Digest, other.Digest) && ByteContent.Equal(Transcript, other.Transcript)
        && Equals(Signature, other.Signature);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(Side);
        hash.Add(Domain);
        hash.Add(FractionBits);
        hash.Add(Rows);
        hash.Add(Columns);
        ByteContent.AddTo(ref hash, Digest);
        ByteContent.AddTo(ref hash, Transcript);
        hash.Add(Signature);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, Side = {Side}, Domain = {Domain}, FractionBits = {FractionBits}, Rows = {Rows}, Columns = {Columns}, ");
        ByteContent.Print(builder, nameof(Digest), Digest);
        builder.Append(", ");
        ByteContent.Print(builder, nameof(Transcript), Transcript);
        builder.Append($", Signature = {(Signature is null ? "none" : "present")}");
        return true;
    }
}

/// <summary>Binds a <see cref="ShareOffer"/> to the certificate that sent it: the collector's actor is not told which
/// certificate authenticated the link an offer came on, so the sender signs it (<see cref="Delivery.SignedOffers"/>).</summary>
/// <param name="Collectors">The fingerprints of the collector certificates the sender pins: only those may accept it.</param>
/// <param name="Certificate">The sender's TLS certificate (DER).</param>
/// <param name="Signature">Its private key's signature over the offer's facts and <paramref name="Collectors"/>.</param>
public sealed record OfferSignature(IReadOnlyList<string> Collectors, byte[] Certificate, byte[] Signature)
{
    /// <summary>The most collector fingerprints an offer names.</summary>
    public const int MaxCollectors = 16;

    public bool Equals(OfferSignature? other) =>
        other is not null && Collectors.SequenceEqual(other.Collectors) && ByteContent.Equal(Certificate, other.Certificate) && ByteContent.Equal(Signature, other.Signature);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var collector in Collectors)
        {
            hash.Add(collector);
        }

        ByteContent.AddTo(ref hash, Certificate);
        ByteContent.AddTo(ref hash, Signature);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Collectors = [{string.Join(", ", Collectors)}], ");
        ByteContent.Print(builder, nameof(Certificate), Certificate);
        builder.Append(", ");
        ByteContent.Print(builder, nameof(Signature), Signature);
        return true;
    }
}

/// <summary>A run of a delivered share, cut like <see cref="RevealedShare"/> by <c>duet.flow.block-bytes</c>.</summary>
/// <param name="First">Row-major index in P of the first entry of this run.</param>
/// <param name="Count">Entries in this run.</param>
/// <param name="Values">Count signed integers in the encoding of <see cref="Wire.SignedIntegerCodec"/>.</param>
public sealed record ShareRun(Guid SessionId, OperandSide Side, int First, int Count, byte[] Values) : IProtocolMessage
{
    public bool Equals(ShareRun? other) =>
        other is not null && SessionId == other.SessionId && Side == other.Side && First == other.First && Count == other.Count
        && ByteContent.Equal(Values, other.Values);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(SessionId);
        hash.Add(Side);
        hash.Add(First);
        hash.Add(Count);
        ByteContent.AddTo(ref hash, Values);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SessionId = {SessionId}, Side = {Side}, First = {First}, Count = {Count}, ");
        ByteContent.Print(builder, nameof(Values), Values);
        return true;
    }
}

/// <summary>Where a delivery stands, as the collector tells its sender. The values are part of the wire format.</summary>
public enum DeliveryStatus
{
    /// <summary>The offer is accepted and <see cref="ShareReceipt.Runs"/> runs have arrived: send more.</summary>
    Receiving = 0,

    /// <summary>The whole share arrived and matched the offer's digest.</summary>
    Accepted = 1,

    /// <summary>The collector refuses this share (<see cref="ShareReceipt.Text"/> says why) and stops.</summary>
    Refused = 2,
}

/// <summary>The collector's only answer to a sender: an acknowledgement that carries nothing of the other share.</summary>
/// <param name="Runs">Runs received so far (the sender's credit is this plus its window).</param>
/// <param name="Text">Why a share was refused; empty otherwise. The wire keeps at most
/// <see cref="Wire.WireLimits.MaxAbortTextBytes"/> UTF-8 bytes of it.</param>
public sealed record ShareReceipt(Guid SessionId, OperandSide Side, DeliveryStatus Status, int Runs, string Text) : IProtocolMessage;
