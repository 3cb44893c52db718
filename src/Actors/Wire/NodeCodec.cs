using System.Diagnostics;
using System.Runtime.Serialization;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of the messages between the nodes of one party (<see cref="INodeMessage"/>) and of the
/// <see cref="NodeSetup"/> their parts carry, in the conventions of <see cref="DuetSerializer"/>.</summary>
internal static class NodeCodec
{
    public const string WorkerReadyManifest = "WR";
    public const string SetupPartManifest = "SP";
    public const string SetupAckManifest = "SK";
    public const string AttestChallengeManifest = "AC";
    public const string AttestAnswerManifest = "AA";

    /// <summary>UTF-8 bytes of a private key file in a set-up.</summary>
    public const int MaxKeyFileBytes = 64 * 1024;

    // rows, inner, columns, x bits, y bits, key bits, sigma, then the domain byte
    private const int PlanBytes = (8 * sizeof(int)) + 1;

    public static string ManifestFor(INodeMessage message) => message switch
    {
        WorkerReady => WorkerReadyManifest,
        SetupPart => SetupPartManifest,
        SetupAck => SetupAckManifest,
        AttestChallenge => AttestChallengeManifest,
        AttestAnswer => AttestAnswerManifest,
        _ => throw new ArgumentException($"{message.GetType().FullName} is not a Duet node message.", nameof(message)),
    };

    public static bool Knows(string manifest) => manifest is WorkerReadyManifest or SetupPartManifest or SetupAckManifest or AttestChallengeManifest or AttestAnswerManifest;

    public static byte[] Encode(INodeMessage message) => message switch
    {
        WorkerReady m => EncodeReady(m),
        SetupPart m => EncodePart(m),
        SetupAck m => EncodeAck(m),
        AttestChallenge m => EncodeChallenge(m),
        AttestAnswer m => EncodeAnswer(m),
        _ => throw new ArgumentException($"{message.GetType().FullName} is not a Duet node message.", nameof(message)),
    };

    public static INodeMessage Decode(ReadOnlySpan<byte> bytes, string manifest)
    {
        var r = new WireReader(bytes, manifest);
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid("SessionId");
        INodeMessage message = manifest switch
        {
            WorkerReadyManifest => new WorkerReady(sessionId, r.ReadInt32("Credits", 1, WorkerReady.MaxCredits)) { Capability = TileCodec.ReadCapability(ref r) },
            SetupPartManifest => ReadPart(ref r, sessionId),
            SetupAckManifest => new SetupAck(sessionId, r.ReadInt32("Part", 0, SetupPart.MaxParts - 1)),
            AttestChallengeManifest => new AttestChallenge(sessionId, r.ReadBytes("Challenge", NodeAttestation.ChallengeBytes, NodeAttestation.ChallengeBytes).ToArray()),
            AttestAnswerManifest => new AttestAnswer(sessionId, r.ReadBytes("Certificate", 1, CertificateSignature.MaxCertificateBytes).ToArray(), r.ReadBytes("Signature", 1, CertificateSignature.MaxSignatureBytes).ToArray()),
            _ => throw new UnreachableException(manifest),
        };
        r.End();
        return message;
    }

    public static byte[] EncodeSetup(NodeSetup setup)
    {
        var (plan, operand) = (setup.Plan, setup.Operand);
        PeerCodec.CheckWrite("NodeSetup", (operand?.Rows ?? 0, operand?.Columns ?? 0) == setup.OperandShape, "the operand does not have the plan's shape");
        PeerCodec.CheckWrite("NodeSetup", setup.Capability.Length == Tiles.SessionCapability.Bytes, "the capability must be 32 bytes");
        var size = PeerCodec.Header + WireWriter.PrefixedBytes(setup.Capability.Length) + 2 + PlanBytes + (2 * sizeof(int)) + ((operand?.Data.LongLength ?? 0) * sizeof(long))
            + WireWriter.PrefixedBytes(setup.Key.Length) + WireWriter.PrefixedBytes(setup.Ciphertexts.Length) + WireWriter.PrefixedBytes(setup.Seed.Length);
        PeerCodec.CheckWrite("NodeSetup", size <= (long)SetupPart.MaxParts * SetupPart.PartBytes && size <= Array.MaxLength, $"{size} bytes are too many");
        var bytes = new byte[size];
        var w = new WireWriter(bytes);
        w.WriteGuid(setup.SessionId);
        w.WriteBytes(setup.Capability);
        w.WriteByte(setup.IsEncryptor ? (byte)1 : (byte)0);
        var shape = plan.Shape;
        w.WriteByte((byte)plan.Scheme);
        foreach (var value in new[] { shape.Rows, shape.Inner, shape.Columns, shape.XBits, shape.YBits, shape.KeyBits, shape.Sigma, shape.LinkMbps })
        {
            w.WriteInt32(value);
        }

        w.WriteByte((byte)shape.Domain);
        w.WriteInt32(operand?.Rows ?? 0);
        w.WriteInt32(operand?.Columns ?? 0);
        foreach (var entry in operand?.Data ?? [])
        {
            w.WriteInt64(entry);
        }

        w.WriteBytes(setup.Key);
        w.WriteBytes(setup.Ciphertexts);
        w.WriteBytes(setup.Seed);
        return bytes;
    }

    /// <summary>Decodes an assembled set-up; every size is checked against the bytes present (and the plan's shapes
    /// against <paramref name="maxOperandEntries"/>) before anything is allocated.</summary>
    /// <exception cref="SerializationException">The bytes are not one well-formed set-up.</exception>
    public static NodeSetup DecodeSetup(ReadOnlySpan<byte> bytes, long maxOperandEntries)
    {
        var r = new WireReader(bytes, "NodeSetup");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid("SessionId");
        var capability = r.ReadBytes("Capability", Tiles.SessionCapability.Bytes, Tiles.SessionCapability.Bytes).ToArray();
        var isEncryptor = r.ReadByte("IsEncryptor") switch
        {
            0 => false,
            1 => true,
            var other => throw r.Error($"IsEncryptor = {other} is not 0 or 1"),
        };
        var scheme = r.ReadEnum<Scheme>("Scheme");
        var (rows, inner, columns) = (r.ReadInt32("Rows", 1), r.ReadInt32("Inner", 1), r.ReadInt32("Columns", 1));
        var (xBits, yBits, keyBits, sigma) = (r.ReadInt32("XBits", 1, 63), r.ReadInt32("YBits", 1, 63), r.ReadInt32("KeyBits", 0, WireLimits.MaxKeyBytes * 8), r.ReadInt32("Sigma", 0, 1024));
        var linkMbps = r.ReadInt32("LinkMbps", 1, ProductShape.MaxLinkMbps);
        var domain = r.ReadEnum<ShareDomain>("Domain");
        IProductPlan plan;
        try
        {
            plan = MatrixSchemes.Plan(scheme, new ProductShape(rows, inner, columns, xBits, yBits, sigma, domain, keyBits, linkMbps));
        }
        catch (EncodingException error)
        {
            throw r.Error($"the plan is not valid: {error.Message}");
        }

        var (operandRows, operandColumns) = (r.ReadInt32("OperandRows", 0), r.ReadInt32("OperandColumns", 0));
        if ((operandRows, operandColumns) != (isEncryptor ? (inner, columns) : (0, 0)))
        {
            throw r.Error($"a {operandRows}x{operandColumns} operand does not fit the plan");
        }

        var entries = (long)operandRows * operandColumns;
        if (entries > maxOperandEntries || entries * sizeof(long) > r.Remaining)
        {
            throw r.Error($"{entries} operand entries exceed the limit or the bytes present");
        }

        var data = new long[entries];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = r.ReadInt64("Operand");
        }

        var key = r.ReadBytes("Key", 1, isEncryptor ? MaxKeyFileBytes : WireLimits.MaxKeyMessageBytes).ToArray();
        var ciphertexts = r.ReadBytes("Ciphertexts", 0, r.Remaining).ToArray();
        if (isEncryptor != (ciphertexts.Length == 0))
        {
            throw r.Error("only an evaluator's set-up carries ciphertexts, and it must");
        }

        var seed = r.ReadBytes("Seed", 0, RandomStream.SeedBytes).ToArray();
        if (seed.Length != RandomStream.SeedBytes)
        {
            throw r.Error("a set-up carries its session's 32-byte seed");
        }

        r.End();
        return new NodeSetup(sessionId, isEncryptor, plan, isEncryptor ? new Matrix<long>(operandRows, operandColumns, data) : null, key, ciphertexts, seed) { Capability = capability };
    }

    private static byte[] EncodeReady(WorkerReady m)
    {
        PeerCodec.CheckWrite("WorkerReady", m.Credits is >= 1 and <= WorkerReady.MaxCredits, $"Credits = {m.Credits} is outside [1, {WorkerReady.MaxCredits}]");
        PeerCodec.CheckWrite("WorkerReady", m.Capability is { Length: 0 or Tiles.SessionCapability.Bytes }, "the capability must be empty or 32 bytes");
        var bytes = new byte[PeerCodec.Header + sizeof(int) + WireWriter.PrefixedBytes(m.Capability.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.Credits);
        w.WriteBytes(m.Capability);
        return bytes;
    }

    private static byte[] EncodePart(SetupPart m)
    {
        PeerCodec.CheckWrite("SetupPart", m.Parts is >= 1 and <= SetupPart.MaxParts && m.Part >= 0 && m.Part < m.Parts, $"part {m.Part} of {m.Parts} is out of range");
        PeerCodec.CheckWrite("SetupPart", m.Bytes is { Length: >= 1 and <= WireLimits.MaxPayloadBytes }, "the part must have 1 to MaxPayloadBytes bytes");
        var bytes = new byte[PeerCodec.Header + (2 * sizeof(int)) + WireWriter.PrefixedBytes(m.Bytes.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.Parts);
        w.WriteInt32(m.Part);
        w.WriteBytes(m.Bytes);
        return bytes;
    }

    private static byte[] EncodeAck(SetupAck m)
    {
        PeerCodec.CheckWrite("SetupAck", m.Part is >= 0 and < SetupPart.MaxParts, $"part {m.Part} is out of range");
        return WithSessionAndInt(m.SessionId, m.Part);
    }

    private static byte[] WithSessionAndInt(Guid sessionId, int value)
    {
        var bytes = new byte[PeerCodec.Header + sizeof(int)];
        var w = new WireWriter(bytes);
        w.WriteGuid(sessionId);
        w.WriteInt32(value);
        return bytes;
    }

    private static byte[] EncodeChallenge(AttestChallenge m)
    {
        PeerCodec.CheckWrite("AttestChallenge", m.Challenge is { Length: NodeAttestation.ChallengeBytes }, $"the challenge must have {NodeAttestation.ChallengeBytes} bytes");
        return WithSessionAndBytes(m.SessionId, m.Challenge);
    }

    private static byte[] EncodeAnswer(AttestAnswer m)
    {
        PeerCodec.CheckWrite("AttestAnswer", m.Certificate is { Length: >= 1 and <= CertificateSignature.MaxCertificateBytes }, "the certificate must have 1 to MaxCertificateBytes bytes");
        PeerCodec.CheckWrite("AttestAnswer", m.Signature is { Length: >= 1 and <= CertificateSignature.MaxSignatureBytes }, "the signature must have 1 to MaxSignatureBytes bytes");
        return WithSessionAndBytes(m.SessionId, m.Certificate, m.Signature);
    }

    /// <summary>The header, the session id, then each field length-prefixed.</summary>
    private static byte[] WithSessionAndBytes(Guid sessionId, params byte[][] fields)
    {
        var bytes = new byte[PeerCodec.Header + fields.Sum(f => WireWriter.PrefixedBytes(f.Length))];
        var w = new WireWriter(bytes);
        w.WriteGuid(sessionId);
        foreach (var field in fields)
        {
            w.WriteBytes(field);
        }

        return bytes;
    }

    private static SetupPart ReadPart(ref WireReader r, Guid sessionId)
    {
        var parts = r.ReadInt32("Parts", 1, SetupPart.MaxParts);
        var part = r.ReadInt32("Part", 0, parts - 1);
        return new SetupPart(sessionId, part, parts, r.ReadBytes("Bytes", 1, WireLimits.MaxPayloadBytes).ToArray());
    }
}
