using Duet.Crypto.Schemes;
using System.Text;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of <see cref="Hello"/>, which grew fields with the protocol version (the scheme, the
/// resume field, the key form and the acceptance of a fast key, then the link hint); the other peer messages are in
/// <see cref="PeerCodec"/>. Never change it without bumping <see cref="WireLimits.FormatVersion"/>.</summary>
internal static class HelloCodec
{
    /// <summary>The protocol version from which a Hello ends with its scheme byte; an older peer's Hello has none
    /// (it reads as Paillier), so the session can refuse its version with a clear reason.</summary>
    internal const int SchemeSinceVersion = 3;

    /// <summary>The protocol version from which a Hello ends with its resume field (a flag, then the committed tiles' ranges).</summary>
    internal const int ResumeSinceVersion = 4;

    /// <summary>The protocol version from which a Hello ends with its key form byte and its fast-key acceptance (0 or 1).</summary>
    internal const int KeyFormSinceVersion = 6;

    /// <summary>The protocol version from which a Hello ends with the sender's link speed hint in Mbit/s.</summary>
    internal const int LinkSinceVersion = 8;

    internal static byte[] EncodeHello(Hello m)
    {
        var name = Encoding.UTF8.GetBytes(m.PartyName ?? throw PeerCodec.Invalid("Hello", "PartyName is null"));
        PeerCodec.CheckWrite("Hello", m.ProtocolVersion >= 0, "ProtocolVersion is negative");
        PeerCodec.CheckWrite("Hello", m.Rows >= 1 && m.Columns >= 1, $"shape {m.Rows}x{m.Columns} is not positive");
        PeerCodec.CheckWrite("Hello", m.InputBits >= 1, $"InputBits = {m.InputBits} is not positive");
        PeerCodec.CheckWrite("Hello", m.FractionBits >= 0 && m.KeyBits >= 1 && m.Sigma >= 0, "FractionBits, KeyBits or Sigma is negative");
        PeerCodec.CheckWrite("Hello", Enum.IsDefined(m.Side) && Enum.IsDefined(m.Domain) && Enum.IsDefined(m.Reveal) && Enum.IsDefined(m.Role) && Enum.IsDefined(m.Scheme) && Enum.IsDefined(m.KeyForm),
            "an enum field has an undefined value");
        var withScheme = m.ProtocolVersion >= SchemeSinceVersion;
        PeerCodec.CheckWrite("Hello", withScheme || m.Scheme == Scheme.Paillier, $"protocol version {m.ProtocolVersion} has no scheme field");
        PeerCodec.CheckWrite("Hello", name.Length <= WireLimits.MaxPartyNameBytes,
            $"PartyName has {name.Length} UTF-8 bytes, more than {WireLimits.MaxPartyNameBytes}");

        var withResume = m.ProtocolVersion >= ResumeSinceVersion;
        PeerCodec.CheckWrite("Hello", withResume || m.Resume is null, $"protocol version {m.ProtocolVersion} has no resume field");
        var resumeBytes = !withResume ? 0 : m.Resume is null ? 1 : 1 + sizeof(int) + (m.Resume.Ranges.Count * 2 * sizeof(int));
        var withKeyForm = m.ProtocolVersion >= KeyFormSinceVersion;
        PeerCodec.CheckWrite("Hello", withKeyForm || (m.KeyForm == KeyForm.Standard && !m.AcceptFastKey), $"protocol version {m.ProtocolVersion} has no key form fields");
        var withLink = m.ProtocolVersion >= LinkSinceVersion;
        PeerCodec.CheckWrite("Hello", withLink ? m.LinkMbps is >= 1 and <= ProductShape.MaxLinkMbps : m.LinkMbps == ProductShape.DefaultLinkMbps, $"LinkMbps = {m.LinkMbps} is out of range or needs protocol version {LinkSinceVersion}");
        var bytes = new byte[PeerCodec.Header + (7 * sizeof(int)) + 4 + WireWriter.PrefixedBytes(name.Length) + (withScheme ? 1 : 0) + resumeBytes + (withKeyForm ? 2 : 0) + (withLink ? sizeof(int) : 0)];
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
        if (withScheme)
        {
            w.WriteByte((byte)m.Scheme);
        }

        if (withResume)
        {
            w.WriteByte(m.Resume is null ? (byte)0 : (byte)1);
            if (m.Resume is { } resume)
            {
                w.WriteInt32(resume.Ranges.Count);
                foreach (var (first, count) in resume.Ranges)
                {
                    w.WriteInt32(first);
                    w.WriteInt32(count);
                }
            }
        }

        if (withKeyForm)
        {
            w.WriteByte((byte)m.KeyForm);
            w.WriteByte(m.AcceptFastKey ? (byte)1 : (byte)0);
        }

        if (withLink)
        {
            w.WriteInt32(m.LinkMbps);
        }

        return bytes;
    }

    internal static Hello DecodeHello(ReadOnlySpan<byte> bytes)
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
        if (hello.ProtocolVersion >= SchemeSinceVersion)
        {
            hello = hello with { Scheme = r.ReadEnum<Scheme>(nameof(Hello.Scheme)) };
        }

        if (hello.ProtocolVersion >= ResumeSinceVersion && r.ReadByte(nameof(Hello.Resume)) is var flag && flag != 0)
        {
            if (flag != 1)
            {
                throw r.Error($"the resume flag is {flag}, not 0 or 1");
            }

            var ranges = new (int, int)[r.ReadInt32("Resume.Ranges", 0, TileRanges.MaxRanges)];
            for (var i = 0; i < ranges.Length; i++)
            {
                ranges[i] = (r.ReadInt32("Resume.First", 0), r.ReadInt32("Resume.Count", 1));
            }

            hello = hello with { Resume = TileRanges.FromRanges(ranges) ?? throw r.Error("the resumed tiles are not ascending, disjoint ranges") };
        }

        if (hello.ProtocolVersion >= KeyFormSinceVersion)
        {
            var form = r.ReadEnum<KeyForm>(nameof(Hello.KeyForm));
            var accept = r.ReadByte(nameof(Hello.AcceptFastKey)) switch
            {
                0 => false,
                1 => true,
                var other => throw r.Error($"{nameof(Hello.AcceptFastKey)} = {other} is not 0 or 1"),
            };
            hello = hello with { KeyForm = form, AcceptFastKey = accept };
        }

        if (hello.ProtocolVersion >= LinkSinceVersion)
        {
            hello = hello with { LinkMbps = r.ReadInt32(nameof(Hello.LinkMbps), 1, ProductShape.MaxLinkMbps) };
        }

        r.End();
        return hello;
    }
}
