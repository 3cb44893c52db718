using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using static Duet.Actors.Wire.PeerCodec;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of the delivery messages between a party and the collector (see
/// <see cref="DuetSerializer"/>); the same conventions as <see cref="PeerCodec"/>.</summary>
internal static class DeliveryCodec
{
    public const string ShareOfferManifest = "SO";
    public const string ShareRunManifest = "SR";
    public const string ShareReceiptManifest = "SA";

    internal static byte[] EncodeOffer(ShareOffer m)
    {
        CheckWrite("ShareOffer", Enum.IsDefined(m.Side) && Enum.IsDefined(m.Domain), "an enum field has an undefined value");
        CheckWrite("ShareOffer", m.Rows >= 1 && m.Columns >= 1, $"shape {m.Rows}x{m.Columns} is not positive");
        CheckWrite("ShareOffer", m.FractionBits is >= 0 and <= ShareOffer.MaxFractionBits, $"FractionBits = {m.FractionBits} is outside [0, {ShareOffer.MaxFractionBits}]");
        CheckWrite("ShareOffer", m.Digest is { Length: ShareOffer.DigestBytes }, $"Digest must be {ShareOffer.DigestBytes} bytes");

        var bytes = new byte[Header + 2 + (3 * sizeof(int)) + WireWriter.PrefixedBytes(ShareOffer.DigestBytes)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteByte((byte)m.Side);
        w.WriteByte((byte)m.Domain);
        w.WriteInt32(m.FractionBits);
        w.WriteInt32(m.Rows);
        w.WriteInt32(m.Columns);
        w.WriteBytes(m.Digest);
        return bytes;
    }

    internal static ShareOffer DecodeOffer(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ShareOffer");
        r.ReadFormatVersion();
        var offer = new ShareOffer(
            r.ReadGuid(nameof(ShareOffer.SessionId)),
            r.ReadEnum<OperandSide>(nameof(ShareOffer.Side)),
            r.ReadEnum<ShareDomain>(nameof(ShareOffer.Domain)),
            r.ReadInt32(nameof(ShareOffer.FractionBits), 0, ShareOffer.MaxFractionBits),
            r.ReadInt32(nameof(ShareOffer.Rows), 1),
            r.ReadInt32(nameof(ShareOffer.Columns), 1),
            r.ReadBytes(nameof(ShareOffer.Digest), ShareOffer.DigestBytes, ShareOffer.DigestBytes).ToArray());
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
        var w = new WireWriter(bytes);
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
        r.ReadFormatVersion();
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
        var w = new WireWriter(bytes);
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
        r.ReadFormatVersion();
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
