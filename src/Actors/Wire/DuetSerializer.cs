using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Wire;

/// <summary>The compact binary form of every <see cref="IProtocolMessage"/>, bound to the interface in duet.conf.
/// Layout: a format version byte, then the fields in declaration order: Int32/Int64 little-endian, Guid as
/// 16 bytes in RFC 4122 (big-endian) order, enums as one byte, byte arrays and UTF-8 strings behind an Int32
/// length. Decoding rejects anything out of shape with a <see cref="SerializationException"/>; semantic checks
/// (versions, key sizes, the plan) belong to the session, which can answer them with a typed Abort.</summary>
public sealed class DuetSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4711;

    public const string HelloManifest = "HE";
    public const string PublicKeyManifest = "PK";
    public const string EncryptedBlockManifest = "EB";
    public const string ResultBlockManifest = "RB";
    public const string CreditManifest = "CR";
    public const string DoneManifest = "DN";
    public const string AbortManifest = "AB";
    public const string RevealedShareManifest = "RS";

    // version + session id
    private const int Header = WireWriter.HeaderBytes + WireWriter.GuidBytes;

    // BlockIndex, FirstIndex, Count, Width
    private const int BlockFields = 4 * sizeof(int);

    public DuetSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => ManifestFor(o);

    public override byte[] ToBinary(object obj) => Encode(obj);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (bytes is null)
        {
            throw new SerializationException($"No bytes to deserialize for manifest '{manifest}'.");
        }

        return Decode(bytes, manifest);
    }

    /// <summary>The manifest of a protocol message.</summary>
    /// <exception cref="ArgumentException">Not a protocol message.</exception>
    public static string ManifestFor(object message) => message switch
    {
        Hello => HelloManifest,
        PublicKeyMessage => PublicKeyManifest,
        EncryptedBlock => EncryptedBlockManifest,
        ResultBlock => ResultBlockManifest,
        Credit => CreditManifest,
        Done => DoneManifest,
        Abort => AbortManifest,
        RevealedShare => RevealedShareManifest,
        _ => throw new ArgumentException($"{message?.GetType().FullName ?? "null"} is not a Duet protocol message.", nameof(message)),
    };

    /// <summary>Encodes a protocol message.</summary>
    /// <exception cref="ArgumentException">Not a protocol message.</exception>
    /// <exception cref="SerializationException">A field is outside what the wire format carries.</exception>
    public static byte[] Encode(object message) => message switch
    {
        Hello m => EncodeHello(m),
        PublicKeyMessage m => EncodePublicKey(m),
        EncryptedBlock m => EncodeBlock(m.SessionId, m.BlockIndex, m.FirstIndex, m.Count, m.Width, m.Ciphertexts, "EncryptedBlock"),
        ResultBlock m => EncodeBlock(m.SessionId, m.BlockIndex, m.FirstIndex, m.Count, m.Width, m.Ciphertexts, "ResultBlock"),
        Credit m => EncodeCredit(m),
        Done m => EncodeDone(m),
        Abort m => EncodeAbort(m),
        RevealedShare m => EncodeRevealedShare(m),
        _ => throw new ArgumentException($"{message?.GetType().FullName ?? "null"} is not a Duet protocol message.", nameof(message)),
    };

    /// <summary>Decodes untrusted bytes.</summary>
    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not exactly one well-formed message.</exception>
    public static IProtocolMessage Decode(ReadOnlySpan<byte> bytes, string manifest) => manifest switch
    {
        HelloManifest => DecodeHello(bytes),
        PublicKeyManifest => DecodePublicKey(bytes),
        EncryptedBlockManifest => DecodeEncryptedBlock(bytes),
        ResultBlockManifest => DecodeResultBlock(bytes),
        CreditManifest => DecodeCredit(bytes),
        DoneManifest => DecodeDone(bytes),
        AbortManifest => DecodeAbort(bytes),
        RevealedShareManifest => DecodeRevealedShare(bytes),
        _ => throw new SerializationException($"Unknown Duet message manifest '{manifest}' ({bytes.Length} bytes)."),
    };

    private static byte[] EncodeHello(Hello m)
    {
        var name = Encoding.UTF8.GetBytes(m.PartyName ?? throw Invalid("Hello", "PartyName is null"));
        CheckWrite("Hello", m.ProtocolVersion >= 0, "ProtocolVersion is negative");
        CheckWrite("Hello", m.Rows >= 1 && m.Columns >= 1, $"shape {m.Rows}x{m.Columns} is not positive");
        CheckWrite("Hello", m.InputBits >= 1, $"InputBits = {m.InputBits} is not positive");
        CheckWrite("Hello", m.FractionBits >= 0 && m.KeyBits >= 1 && m.Sigma >= 0, "FractionBits, KeyBits or Sigma is negative");
        CheckWrite("Hello", Enum.IsDefined(m.Side) && Enum.IsDefined(m.Domain) && Enum.IsDefined(m.Reveal) && Enum.IsDefined(m.Role),
            "an enum field has an undefined value");
        CheckWrite("Hello", name.Length <= WireLimits.MaxPartyNameBytes,
            $"PartyName has {name.Length} UTF-8 bytes, more than {WireLimits.MaxPartyNameBytes}");

        var bytes = new byte[Header + (7 * sizeof(int)) + 4 + WireWriter.PrefixedBytes(name.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.ProtocolVersion);
        w.WriteByte((byte)m.Side);
        w.WriteInt32(m.Rows);
        w.WriteInt32(m.Columns);
        w.WriteInt32(m.InputBits);
        w.WriteInt32(m.FractionBits);
        w.WriteByte((byte)m.Domain);
        w.WriteByte((byte)m.Reveal);
        w.WriteInt32(m.KeyBits);
        w.WriteInt32(m.Sigma);
        w.WriteByte((byte)m.Role);
        w.WriteBytes(name);
        return bytes;
    }

    private static Hello DecodeHello(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "Hello");
        r.ReadFormatVersion();
        var hello = new Hello(
            SessionId: r.ReadGuid(nameof(Hello.SessionId)),
            ProtocolVersion: r.ReadInt32(nameof(Hello.ProtocolVersion), 0),
            Side: r.ReadEnum<OperandSide>(nameof(Hello.Side)),
            Rows: r.ReadInt32(nameof(Hello.Rows), 1),
            Columns: r.ReadInt32(nameof(Hello.Columns), 1),
            InputBits: r.ReadInt32(nameof(Hello.InputBits), 1),
            FractionBits: r.ReadInt32(nameof(Hello.FractionBits), 0),
            Domain: r.ReadEnum<ShareDomain>(nameof(Hello.Domain)),
            Reveal: r.ReadEnum<Reveal>(nameof(Hello.Reveal)),
            KeyBits: r.ReadInt32(nameof(Hello.KeyBits), 1),
            Sigma: r.ReadInt32(nameof(Hello.Sigma), 0),
            Role: r.ReadEnum<RolePreference>(nameof(Hello.Role)),
            PartyName: r.ReadString(nameof(Hello.PartyName), WireLimits.MaxPartyNameBytes));
        r.End();
        return hello;
    }

    private static byte[] EncodePublicKey(PublicKeyMessage m)
    {
        CheckWrite("PublicKeyMessage", m.N is { Length: >= 1 and <= WireLimits.MaxKeyBytes }, $"N must have 1 to {WireLimits.MaxKeyBytes} bytes");
        CheckWrite("PublicKeyMessage", m.Hs is { Length: >= 1 and <= WireLimits.MaxKeyBytes }, $"Hs must have 1 to {WireLimits.MaxKeyBytes} bytes");
        var bytes = new byte[Header + WireWriter.PrefixedBytes(m.N.Length) + WireWriter.PrefixedBytes(m.Hs.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteBytes(m.N);
        w.WriteBytes(m.Hs);
        return bytes;
    }

    private static PublicKeyMessage DecodePublicKey(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "PublicKeyMessage");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(PublicKeyMessage.SessionId));
        var n = r.ReadBytes(nameof(PublicKeyMessage.N), 1, WireLimits.MaxKeyBytes).ToArray();
        var hs = r.ReadBytes(nameof(PublicKeyMessage.Hs), 1, WireLimits.MaxKeyBytes).ToArray();
        r.End();
        return new PublicKeyMessage(sessionId, n, hs);
    }

    private static byte[] EncodeBlock(Guid sessionId, int blockIndex, int firstIndex, int count, int width, byte[] ciphertexts, string message)
    {
        // Plain ifs: this is the hot path, and interpolated details would be built even when the check passes.
        if (ciphertexts is null)
        {
            throw Invalid(message, "Ciphertexts is null");
        }

        if (blockIndex < 0 || firstIndex < 0 || count < 1 || width is < 1 or > WireLimits.MaxCiphertextWidth
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

    private static EncryptedBlock DecodeEncryptedBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "EncryptedBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = DecodeBlock(ref r);
        return new EncryptedBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    private static ResultBlock DecodeResultBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ResultBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = DecodeBlock(ref r);
        return new ResultBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    private static (Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts) DecodeBlock(ref WireReader r)
    {
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid("SessionId");
        var blockIndex = r.ReadInt32("BlockIndex", 0);
        var firstIndex = r.ReadInt32("FirstIndex", 0);
        var count = r.ReadInt32("Count", 1, int.MaxValue - firstIndex);
        var width = r.ReadInt32("Width", 1, WireLimits.MaxCiphertextWidth);
        var expected = (long)count * width;
        if (expected > WireLimits.MaxPayloadBytes)
        {
            throw r.Error($"Count·Width = {expected} bytes exceeds the limit of {WireLimits.MaxPayloadBytes}");
        }

        var ciphertexts = r.ReadBytes("Ciphertexts", (int)expected, (int)expected).ToArray();
        r.End();
        return (sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    private static byte[] EncodeCredit(Credit m)
    {
        CheckWrite("Credit", m.Granted >= 0, "Granted is negative");
        var bytes = new byte[Header + sizeof(int)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.Granted);
        return bytes;
    }

    private static Credit DecodeCredit(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "Credit");
        r.ReadFormatVersion();
        var credit = new Credit(r.ReadGuid(nameof(Credit.SessionId)), r.ReadInt32(nameof(Credit.Granted), 0));
        r.End();
        return credit;
    }

    private static byte[] EncodeDone(Done m)
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

    private static Done DecodeDone(ReadOnlySpan<byte> bytes)
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

    private static byte[] EncodeAbort(Abort m)
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

    private static Abort DecodeAbort(ReadOnlySpan<byte> bytes)
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

    private static byte[] EncodeRevealedShare(RevealedShare m)
    {
        CheckWrite("RevealedShare", m.Values is { Length: <= WireLimits.MaxPayloadBytes }, $"Values must be present and at most {WireLimits.MaxPayloadBytes} bytes");
        CheckWrite("RevealedShare", m.FirstRow >= 0 && m.Rows >= 1 && m.Columns >= 1 && (long)m.FirstRow + m.Rows <= int.MaxValue,
            $"FirstRow = {m.FirstRow}, Rows = {m.Rows}, Columns = {m.Columns} are out of range");
        CheckWrite("RevealedShare", (long)m.Rows * m.Columns <= int.MaxValue, "Rows·Columns overflows");
        SignedIntegerCodec.Validate(m.Values, m.Rows * m.Columns);

        var bytes = new byte[Header + (3 * sizeof(int)) + WireWriter.PrefixedBytes(m.Values.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.FirstRow);
        w.WriteInt32(m.Rows);
        w.WriteInt32(m.Columns);
        w.WriteBytes(m.Values);
        return bytes;
    }

    private static RevealedShare DecodeRevealedShare(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "RevealedShare");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(RevealedShare.SessionId));
        var firstRow = r.ReadInt32(nameof(RevealedShare.FirstRow), 0);
        var rows = r.ReadInt32(nameof(RevealedShare.Rows), 1, int.MaxValue - firstRow);
        var columns = r.ReadInt32(nameof(RevealedShare.Columns), 1);
        if ((long)rows * columns > int.MaxValue)
        {
            throw r.Error($"Rows·Columns = {(long)rows * columns} overflows");
        }

        var values = r.ReadBytes(nameof(RevealedShare.Values), 0, WireLimits.MaxPayloadBytes);
        r.End();
        SignedIntegerCodec.Validate(values, rows * columns);
        return new RevealedShare(sessionId, firstRow, rows, columns, values.ToArray());
    }

    /// <summary>Cuts UTF-8 at a character boundary so an over-long abort text still goes out.</summary>
    private static byte[] TruncateUtf8(string text, int maxBytes)
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

    private static void CheckWrite(string message, bool condition, string detail)
    {
        if (!condition)
        {
            throw Invalid(message, detail);
        }
    }

    private static SerializationException Invalid(string message, string detail) =>
        new($"Cannot serialize {message}: {detail}.");
}
