using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using static Duet.Actors.Wire.PeerCodec;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of the delivery messages between a party and the collector (see
/// <see cref="DuetSerializer"/>); the same conventions as <see cref="PeerCodec"/>, under their own format version
/// (<see cref="WireLimits.DeliveryFormatVersion"/>).</summary>
internal static class DeliveryCodec
{
    public const string ShareOfferManifest = "SO";
    public const string ShareRunManifest = "SR";
    public const string ShareReceiptManifest = "SA";

    /// <summary>Bytes of a certificate fingerprint on the wire: a SHA-256.</summary>
    private const int FingerprintBytes = 32;

    internal static byte[] EncodeOffer(ShareOffer m)
    {
        CheckWrite("ShareOffer", Enum.IsDefined(m.Side) && Enum.IsDefined(m.Domain), "an enum field has an undefined value");
        CheckWrite("ShareOffer", m.Rows >= 1 && m.Columns >= 1, $"shape {m.Rows}x{m.Columns} is not positive");
        CheckWrite("ShareOffer", m.FractionBits is >= 0 and <= ShareOffer.MaxFractionBits, $"FractionBits = {m.FractionBits} is outside [0, {ShareOffer.MaxFractionBits}]");
        CheckWrite("ShareOffer", m.Digest is { Length: ShareOffer.DigestBytes } && m.Transcript is { Length: ShareOffer.DigestBytes }, $"Digest and Transcript must be {ShareOffer.DigestBytes} bytes");
        var signature = m.Signature;
        byte[]?[] collectors = signature is null ? [] : [.. signature.Collectors.Select(CertificateFingerprint.Bytes)];
        var signatureBytes = 0;
        if (signature is not null)
        {
            CheckWrite("ShareOffer", collectors.Length is >= 1 and <= OfferSignature.MaxCollectors && collectors.All(c => c is not null), $"a signature names 1 to {OfferSignature.MaxCollectors} collector fingerprints (sha256:...)");
            CheckWrite("ShareOffer", signature.Certificate is { Length: >= 1 and <= CertificateSignature.MaxCertificateBytes }, "the certificate must have 1 to MaxCertificateBytes bytes");
            CheckWrite("ShareOffer", signature.Signature is { Length: >= 1 and <= CertificateSignature.MaxSignatureBytes }, "the signature must have 1 to MaxSignatureBytes bytes");
            signatureBytes = sizeof(int) + (collectors.Length * WireWriter.PrefixedBytes(FingerprintBytes))
                + WireWriter.PrefixedBytes(signature.Certificate.Length) + WireWriter.PrefixedBytes(signature.Signature.Length);
        }

        var bytes = new byte[Header + 3 + (3 * sizeof(int)) + (2 * WireWriter.PrefixedBytes(ShareOffer.DigestBytes)) + signatureBytes];
        var w = new WireWriter(bytes, WireLimits.DeliveryFormatVersion);
        w.WriteGuid(m.SessionId);
        w.WriteByte((byte)m.Side);
        w.WriteByte((byte)m.Domain);
        w.WriteInt32(m.FractionBits);
        w.WriteInt32(m.Rows);
        w.WriteInt32(m.Columns);
        w.WriteBytes(m.Digest);
        w.WriteBytes(m.Transcript);
        w.WriteByte(signature is null ? (byte)0 : (byte)1);
        if (signature is not null)
        {
            w.WriteInt32(collectors.Length);
            foreach (var collector in collectors)
            {
                w.WriteBytes(collector!);
            }

            w.WriteBytes(signature.Certificate);
            w.WriteBytes(signature.Signature);
        }

        return bytes;
    }

    internal static ShareOffer DecodeOffer(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ShareOffer");
        r.ReadFormatVersion(WireLimits.DeliveryFormatVersion);
        var offer = new ShareOffer(
            r.ReadGuid(nameof(ShareOffer.SessionId)),
            r.ReadEnum<OperandSide>(nameof(ShareOffer.Side)),
            r.ReadEnum<ShareDomain>(nameof(ShareOffer.Domain)),
            r.ReadInt32(nameof(ShareOffer.FractionBits), 0, ShareOffer.MaxFractionBits),
            r.ReadInt32(nameof(ShareOffer.Rows), 1),
            r.ReadInt32(nameof(ShareOffer.Columns), 1),
            r.ReadBytes(nameof(ShareOffer.Digest), ShareOffer.DigestBytes, ShareOffer.DigestBytes).ToArray(),
            r.ReadBytes(nameof(ShareOffer.Transcript), ShareOffer.DigestBytes, ShareOffer.DigestBytes).ToArray());
        var signed = r.ReadByte("signed");
        if (signed > 1)
        {
            throw r.Error($"signed = {signed} is neither 0 nor 1");
        }

        if (signed == 1)
        {
            var collectors = new string[r.ReadInt32("collectors", 1, OfferSignature.MaxCollectors)];
            for (var i = 0; i < collectors.Length; i++)
            {
                collectors[i] = CertificateFingerprint.FromBytes(r.ReadBytes("collector", FingerprintBytes, FingerprintBytes));
            }

            offer = offer with
            {
                Signature = new OfferSignature(
                    collectors,
                    r.ReadBytes(nameof(OfferSignature.Certificate), 1, CertificateSignature.MaxCertificateBytes).ToArray(),
                    r.ReadBytes(nameof(OfferSignature.Signature), 1, CertificateSignature.MaxSignatureBytes).ToArray()),
            };
        }

        r.End();
        return offer;
    }

    internal static byte[] EncodeRun(ShareRun m)
    {
        CheckWrite("ShareRun", Enum.IsDefined(m.Side), $"Side = {(int)m.Side} is undefined");
        CheckWrite("ShareRun", m.Values is { Length: <= WireLimits.MaxPayloadBytes }, $"Values must be present and at most {WireLimits.MaxPayloadBytes} bytes");
        CheckWrite("ShareRun", m.First >= 0 && m.Count >= 1 && (long)m.First + m.Count <= int.MaxValue, $"First = {m.First}, Count = {m.Count} are out of range");
        SignedIntegerCodec.Validate(m.Values, m.Count);

        var bytes = new byte[Header + 1 + (2 * sizeof(int)) + WireWriter.PrefixedBytes(m.Values.Length)];
        var w = new WireWriter(bytes, WireLimits.DeliveryFormatVersion);
        w.WriteGuid(m.SessionId);
        w.WriteByte((byte)m.Side);
        w.WriteInt32(m.First);
        w.WriteInt32(m.Count);
        w.WriteBytes(m.Values);
        return bytes;
    }

    internal static ShareRun DecodeRun(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ShareRun");
        r.ReadFormatVersion(WireLimits.DeliveryFormatVersion);
        var sessionId = r.ReadGuid(nameof(ShareRun.SessionId));
        var side = r.ReadEnum<OperandSide>(nameof(ShareRun.Side));
        var first = r.ReadInt32(nameof(ShareRun.First), 0);
        var count = r.ReadInt32(nameof(ShareRun.Count), 1, int.MaxValue - first);
        var values = r.ReadBytes(nameof(ShareRun.Values), 0, WireLimits.MaxPayloadBytes);
        r.End();
        SignedIntegerCodec.Validate(values, count);
        return new ShareRun(sessionId, side, first, count, values.ToArray());
    }

    internal static byte[] EncodeReceipt(ShareReceipt m)
    {
        CheckWrite("ShareReceipt", Enum.IsDefined(m.Side) && Enum.IsDefined(m.Status), "an enum field has an undefined value");
        CheckWrite("ShareReceipt", m.Runs >= 0, $"Runs = {m.Runs} is negative");
        var text = TruncateUtf8(m.Text ?? string.Empty, WireLimits.MaxAbortTextBytes);
        var bytes = new byte[Header + 2 + sizeof(int) + WireWriter.PrefixedBytes(text.Length)];
        var w = new WireWriter(bytes, WireLimits.DeliveryFormatVersion);
        w.WriteGuid(m.SessionId);
        w.WriteByte((byte)m.Side);
        w.WriteByte((byte)m.Status);
        w.WriteInt32(m.Runs);
        w.WriteBytes(text);
        return bytes;
    }

    internal static ShareReceipt DecodeReceipt(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ShareReceipt");
        r.ReadFormatVersion(WireLimits.DeliveryFormatVersion);
        var receipt = new ShareReceipt(
            r.ReadGuid(nameof(ShareReceipt.SessionId)),
            r.ReadEnum<OperandSide>(nameof(ShareReceipt.Side)),
            r.ReadEnum<DeliveryStatus>(nameof(ShareReceipt.Status)),
            r.ReadInt32(nameof(ShareReceipt.Runs), 0),
            r.ReadString(nameof(ShareReceipt.Text), WireLimits.MaxAbortTextBytes));
        r.End();
        return receipt;
    }
}
