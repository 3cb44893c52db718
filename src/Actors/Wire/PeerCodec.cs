using System.Runtime.Serialization;
using System.Text;
using Duet.Actors.Protocol;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of the peer-to-peer messages (see <see cref="DuetSerializer"/>); never change it
/// without bumping <see cref="WireLimits.FormatVersion"/>.</summary>
internal static class PeerCodec
{
    // version + session id
    internal const int Header = WireWriter.HeaderBytes + WireWriter.GuidBytes;

    // BlockIndex, FirstIndex, Count, Width
    private const int BlockFields = 4 * sizeof(int);

    internal static byte[] EncodeKey(KeyMessage m)
    {
        CheckWrite("KeyMessage", m.Key is { Length: >= 1 and <= WireLimits.MaxKeyMessageBytes }, $"Key must have 1 to {WireLimits.MaxKeyMessageBytes} bytes");
        var bytes = new byte[Header + WireWriter.PrefixedBytes(m.Key.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteBytes(m.Key);
        return bytes;
    }

    internal static KeyMessage DecodeKey(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "KeyMessage");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(KeyMessage.SessionId));
        var key = r.ReadBytes(nameof(KeyMessage.Key), 1, WireLimits.MaxKeyMessageBytes).ToArray();
        r.End();
        return new KeyMessage(sessionId, key);
    }

    internal static byte[] EncodeBlock(CiphertextBlock m, string message)
    {
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = (m.SessionId, m.BlockIndex, m.FirstIndex, m.Count, m.Width, m.Ciphertexts);

        // Plain ifs: this is the hot path, and interpolated details would be built even when the check passes.
        if (ciphertexts is null)
        {
            throw Invalid(message, "Ciphertexts is null");
        }

        if (blockIndex < 0 || firstIndex < 0 || count < 1 || width < 1 || width > WireLimits.MaxCiphertextWidth
            || (long)firstIndex + count > int.MaxValue)
        {
            throw Invalid(message, $"BlockIndex = {blockIndex}, FirstIndex = {firstIndex}, Count = {count}, Width = {width} are out of range");
        }

        if ((long)count * width > WireLimits.MaxPayloadBytes || !CiphertextBlockCodec.IsValidLayout(count, width, ciphertexts.Length))
        {
            throw Invalid(message, $"Ciphertexts has {ciphertexts.Length} bytes, expected Count·Width = {(long)count * width} (at most {WireLimits.MaxPayloadBytes})");
        }

        var bytes = new byte[Header + BlockFields + WireWriter.PrefixedBytes(ciphertexts.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(sessionId);
        w.WriteInt32(blockIndex);
        w.WriteInt32(firstIndex);
        w.WriteInt32(count);
        w.WriteInt32(width);
        w.WriteBytes(ciphertexts);
        return bytes;
    }

    internal static EncryptedBlock DecodeEncryptedBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "EncryptedBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = DecodeBlock(ref r);
        return new EncryptedBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    internal static ResultBlock DecodeResultBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ResultBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = DecodeBlock(ref r);
        return new ResultBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    internal static (Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts) DecodeBlock(
        ref WireReader r, int maxWidth = WireLimits.MaxCiphertextWidth)
    {
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid("SessionId");
        var blockIndex = r.ReadInt32("BlockIndex", 0);
        var firstIndex = r.ReadInt32("FirstIndex", 0);
        var count = r.ReadInt32("Count", 1, int.MaxValue - firstIndex);
        var width = r.ReadInt32("Width", 1, maxWidth);
        var expected = (long)count * width;
        if (expected > WireLimits.MaxPayloadBytes)
        {
            throw r.Error($"Count·Width = {expected} bytes exceeds the limit of {WireLimits.MaxPayloadBytes}");
        }

        var ciphertexts = r.ReadBytes("Ciphertexts", (int)expected, (int)expected).ToArray();
        r.End();
        return (sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    internal static byte[] EncodeCredit(Credit m) => EncodeGrant(m.SessionId, m.Granted, "Credit");

    internal static Credit DecodeCredit(ReadOnlySpan<byte> bytes)
    {
        var (sessionId, granted) = DecodeGrant(bytes, "Credit");
        return new Credit(sessionId, granted);
    }

    internal static byte[] EncodeRevealCredit(RevealCredit m) => EncodeGrant(m.SessionId, m.Granted, "RevealCredit");

    internal static RevealCredit DecodeRevealCredit(ReadOnlySpan<byte> bytes)
    {
        var (sessionId, granted) = DecodeGrant(bytes, "RevealCredit");
        return new RevealCredit(sessionId, granted);
    }

    /// <summary>A cumulative grant of flow control: the session and a count that is never negative.</summary>
    private static byte[] EncodeGrant(Guid sessionId, int granted, string message)
    {
        CheckWrite(message, granted >= 0, "Granted is negative");
        var bytes = new byte[Header + sizeof(int)];
        var w = new WireWriter(bytes);
        w.WriteGuid(sessionId);
        w.WriteInt32(granted);
        return bytes;
    }

    private static (Guid SessionId, int Granted) DecodeGrant(ReadOnlySpan<byte> bytes, string message)
    {
        var r = new WireReader(bytes, message);
        r.ReadFormatVersion();
        var grant = (r.ReadGuid("SessionId"), r.ReadInt32("Granted", 0));
        r.End();
        return grant;
    }

    internal static byte[] EncodePart(MessagePart m)
    {
        CheckWrite("MessagePart", MessageParts.CanSplit(m.Manifest), $"Manifest '{m.Manifest}' is not a message that is split");
        CheckWrite("MessagePart", m.Count is >= 2 and <= MessageParts.MaxParts && m.Index >= 0 && m.Index < m.Count, $"Index = {m.Index}, Count = {m.Count} are out of range");
        CheckWrite("MessagePart", m.Bytes is { Length: >= 1 and <= WireLimits.MaxPayloadBytes }, $"Bytes must have 1 to {WireLimits.MaxPayloadBytes} bytes");
        var manifest = Encoding.ASCII.GetBytes(m.Manifest);
        var bytes = new byte[Header + WireWriter.PrefixedBytes(manifest.Length) + (2 * sizeof(int)) + WireWriter.PrefixedBytes(m.Bytes.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteBytes(manifest);
        w.WriteInt32(m.Index);
        w.WriteInt32(m.Count);
        w.WriteBytes(m.Bytes);
        return bytes;
    }

    internal static MessagePart DecodePart(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "MessagePart");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(MessagePart.SessionId));
        var manifest = r.ReadString(nameof(MessagePart.Manifest), 2);
        if (!MessageParts.CanSplit(manifest))
        {
            throw r.Error($"Manifest '{manifest}' is not a message that is split");
        }

        var index = r.ReadInt32(nameof(MessagePart.Index), 0, MessageParts.MaxParts - 1);
        var count = r.ReadInt32(nameof(MessagePart.Count), 2, MessageParts.MaxParts);
        if (index >= count)
        {
            throw r.Error($"Index = {index} is not below Count = {count}");
        }

        var part = new MessagePart(sessionId, manifest, index, count, r.ReadBytes(nameof(MessagePart.Bytes), 1, WireLimits.MaxPayloadBytes).ToArray());
        r.End();
        return part;
    }

    internal static byte[] EncodeConfirm(Confirm m)
    {
        var bytes = new byte[Header];
        new WireWriter(bytes).WriteGuid(m.SessionId);
        return bytes;
    }

    internal static Confirm DecodeConfirm(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "Confirm");
        r.ReadFormatVersion();
        var confirm = new Confirm(r.ReadGuid(nameof(Confirm.SessionId)));
        r.End();
        return confirm;
    }

    internal static byte[] EncodeDone(Done m)
    {
        CheckWrite("Done", m.Count >= 0, "Count is negative");
        CheckWrite("Done", m.Digest is { Length: Done.DigestBytes }, $"Digest must have {Done.DigestBytes} bytes");
        var bytes = new byte[Header + sizeof(long) + WireWriter.PrefixedBytes(Done.DigestBytes)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt64(m.Count);
        w.WriteBytes(m.Digest);
        return bytes;
    }

    internal static Done DecodeDone(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "Done");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(Done.SessionId));
        var count = r.ReadInt64(nameof(Done.Count));
        if (count < 0)
        {
            throw r.Error($"Count = {count} is negative");
        }

        var digest = r.ReadBytes(nameof(Done.Digest), Done.DigestBytes, Done.DigestBytes).ToArray();
        r.End();
        return new Done(sessionId, count, digest);
    }

    internal static byte[] EncodeAbort(Abort m)
    {
        CheckWrite("Abort", Enum.IsDefined(m.Reason), $"Reason = {(int)m.Reason} is undefined");
        var text = TruncateUtf8(m.Text ?? string.Empty, WireLimits.MaxAbortTextBytes);
        var bytes = new byte[Header + 1 + WireWriter.PrefixedBytes(text.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteByte((byte)m.Reason);
        w.WriteBytes(text);
        return bytes;
    }

    internal static Abort DecodeAbort(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "Abort");
        r.ReadFormatVersion();
        var abort = new Abort(
            r.ReadGuid(nameof(Abort.SessionId)),
            r.ReadEnum<AbortReason>(nameof(Abort.Reason)),
            r.ReadString(nameof(Abort.Text), WireLimits.MaxAbortTextBytes));
        r.End();
        return abort;
    }

    internal static byte[] EncodeRevealedShare(RevealedShare m)
    {
        CheckWrite("RevealedShare", m.Values is { Length: <= WireLimits.MaxPayloadBytes }, $"Values must be present and at most {WireLimits.MaxPayloadBytes} bytes");
        CheckWrite("RevealedShare", m.First >= 0 && m.Count >= 1 && (long)m.First + m.Count <= int.MaxValue,
            $"First = {m.First}, Count = {m.Count} are out of range");
        SignedIntegerCodec.Validate(m.Values, m.Count);

        var bytes = new byte[Header + (2 * sizeof(int)) + WireWriter.PrefixedBytes(m.Values.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.First);
        w.WriteInt32(m.Count);
        w.WriteBytes(m.Values);
        return bytes;
    }

    internal static RevealedShare DecodeRevealedShare(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "RevealedShare");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(RevealedShare.SessionId));
        var first = r.ReadInt32(nameof(RevealedShare.First), 0);
        var count = r.ReadInt32(nameof(RevealedShare.Count), 1, int.MaxValue - first);
        var values = r.ReadBytes(nameof(RevealedShare.Values), 0, WireLimits.MaxPayloadBytes);
        r.End();
        SignedIntegerCodec.Validate(values, count);
        return new RevealedShare(sessionId, first, count, values.ToArray());
    }

    /// <summary>Cuts UTF-8 at a character boundary so an over-long abort text still goes out.</summary>
    internal static byte[] TruncateUtf8(string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= maxBytes)
        {
            return bytes;
        }

        var cut = maxBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return bytes[..cut];
    }

    internal static void CheckWrite(string message, bool condition, string detail)
    {
        if (!condition)
        {
            throw Invalid(message, detail);
        }
    }

    internal static SerializationException Invalid(string message, string detail) =>
        new($"Cannot serialize {message}: {detail}.");
}
