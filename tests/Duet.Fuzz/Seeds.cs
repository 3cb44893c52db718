using Duet.Crypto.Schemes;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Duet.Actors;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Host.Files;

namespace Duet.Fuzz;

/// <summary>Valid encodings for every target, made by the product's own encoders where it has one. Small on purpose:
/// a fuzzer mutates small inputs fastest.</summary>
public static class Seeds
{
    private static readonly Guid Session = new("6a1d3c2e-90b4-4f57-8e21-d0c3b5a49f18");

    /// <summary>Protocol and tile messages with a small and a larger variant each, grouped by manifest.</summary>
    private static readonly Lazy<ILookup<string, byte[]>> MessageSamples = new(() => new object[]
    {
        new Hello(Session, 1, OperandSide.Left, 1000, 100, 32, 0, ShareDomain.Ring64, Reveal.None, 3072, 40, RolePreference.Auto, "a"),
        new Hello(Session, 1, OperandSide.Right, 100, 10, 63, 16, ShareDomain.Integer, Reveal.Both, 2048, 64, RolePreference.Evaluator, "Bank Ærø — 東京"),
        new KeyMessage(Session, Bytes(780, 1)),
        new KeyMessage(Session, [0xC5]),
        new MessagePart(Session, "EB", 0, 2, Bytes(64, 30)),
        new MessagePart(Session, "KY", 6, 7, Bytes(3000, 31)),
        new EncryptedBlock(Session, 0, 0, 2, 8, Bytes(16, 3)),
        new EncryptedBlock(Session, 7, 1_000, 1, 512, Bytes(512, 4)),
        new ResultBlock(Session, 0, 0, 1, 4, Bytes(4, 5)),
        new ResultBlock(Session, 3, 30, 3, 16, Bytes(48, 6)),
        new Credit(Session, 8),
        new Credit(Session, int.MaxValue),
        new RevealCredit(Session, 8),
        new Done(Session, 0, new byte[Done.DigestBytes]),
        new Done(Session, 1L << 40, Bytes(Done.DigestBytes, 7)),
        new Abort(Session, AbortReason.Incompatible, "shapes differ"),
        new Abort(Session, Enum.GetValues<AbortReason>()[^1], string.Empty),
        new RevealedShare(Session, 0, 1, SignedIntegerCodec.Encode([0L])),
        new RevealedShare(Session, 5, 6, SignedIntegerCodec.Encode([1, -1, 127, -129, BigInteger.Pow(2, 70), -BigInteger.Pow(3, 50)])),
        new Confirm(Session),
        new Confirm(Guid.Empty),
        new EncryptTile(Session, 0, 1, 0, 1),
        new EncryptTile(Session, 3, 2, 120, 40),
        new EvaluateTile(Session, 0, 1, 0, []),
        new EvaluateTile(Session, 7, 3, 3, [1, -2, 3, -(1L << 40), long.MaxValue, 0]),
        new DecryptTile(Session, 0, 1, 0, 1, Bytes(8, 8)),
        new DecryptTile(Session, 2, 3, 16, 2, Bytes(32, 9)),
        new EncryptResult(Session, 0, 1, Bytes(4, 10)),
        new EncryptResult(Session, 4, 2, Bytes(24, 11)),
        new EvaluateResult(Session, 0, 1, Bytes(4, 12), 0, 0, 1, [5]),
        new EvaluateResult(Session, 5, 2, Bytes(8, 13), 6, 16, 2, [-(BigInteger.One << 90), 0, 127, -129]),
        new DecryptResult(Session, 0, 1, 0, 0, 1, [0]),
        new DecryptResult(Session, 1, 2, 3, 8, 3, [1, -1, 128, BigInteger.One << 70, -7, 0]),
        new TileFailed(Session, 0, 1, TileKind.Encrypt, TileFailure.Fault, string.Empty),
        new TileFailed(Session, 2, 3, Enum.GetValues<TileKind>()[^1], Enum.GetValues<TileFailure>()[^1], "the unit check failed: Ærø"),
        new Hello(Session, 3, OperandSide.Right, 10000, 10, 32, 0, ShareDomain.Integer, Reveal.Left, 2048, 40, RolePreference.Auto, "b", Scheme.Bfv),
        new Hello(Session, 4, OperandSide.Left, 3000, 100, 16, 0, ShareDomain.Ring64, Reveal.None, 2048, 40, RolePreference.Auto, "a", Scheme.Paillier, TileRanges.Of([0, 1, 2, 9, 30])),
        new Hello(Session, 6, OperandSide.Right, 100, 10, 32, 0, ShareDomain.Ring64, Reveal.None, 2048, 40, RolePreference.Encryptor, "b", Scheme.Paillier, null, KeyForm.Fast),
        new Hello(Session, 6, OperandSide.Left, 1000, 100, 32, 0, ShareDomain.Integer, Reveal.Both, 3072, 40, RolePreference.Evaluator, "a", Scheme.Paillier, TileRanges.Of([3]), KeyForm.Standard, AcceptFastKey: true),
        new Hello(Session, 8, OperandSide.Left, 10000, 100, 32, 0, ShareDomain.Ring64, Reveal.None, 3072, 40, RolePreference.Auto, "a", Scheme.Bfv, LinkMbps: 20),
        new EncryptedBlock(Session, 4, 4, 2, 300, Bytes(600, 11)),
        new ResultBlock(Session, 2, 6, 3, 100, Bytes(300, 13)),
        new ShareOffer(Session, OperandSide.Left, ShareDomain.Ring64, 0, 1, 1, Bytes(ShareOffer.DigestBytes, 14), Bytes(ShareOffer.DigestBytes, 21)),
        new ShareOffer(Session, OperandSide.Right, ShareDomain.Integer, 32, 1000, 10, Bytes(ShareOffer.DigestBytes, 15), Bytes(ShareOffer.DigestBytes, 22))
        {
            Signature = new OfferSignature([CertificateFingerprint.FromBytes(Bytes(32, 23))], Bytes(300, 24), Bytes(64, 25)),
        },
        new ShareRun(Session, OperandSide.Left, 0, 1, SignedIntegerCodec.Encode([0L])),
        new ShareRun(Session, OperandSide.Right, 7, 4, SignedIntegerCodec.Encode([ulong.MaxValue, 1, BigInteger.Pow(2, 90), -BigInteger.Pow(5, 40)])),
        new ShareReceipt(Session, OperandSide.Left, DeliveryStatus.Receiving, 0, string.Empty),
        new ShareReceipt(Session, OperandSide.Right, DeliveryStatus.Refused, 12, "a second share of the right side"),
        new WorkerReady(Session, 1),
        new WorkerReady(Session, WorkerReady.MaxCredits),
        new SetupPart(Session, 0, 1, Bytes(16, 14)),
        new SetupPart(Session, 2, 3, Bytes(64, 15)),
        new SetupAck(Session, 0),
        new SetupAck(Session, SetupPart.MaxParts - 1),
        new AttestChallenge(Session, Bytes(NodeAttestation.ChallengeBytes, 16)),
        new AttestAnswer(Session, Bytes(420, 17), Bytes(72, 18)),
        new AttestAnswer(Session, Bytes(1, 19), Bytes(CertificateSignature.MaxSignatureBytes, 20)),
    }.ToLookup(DuetSerializer.ManifestFor, DuetSerializer.Encode));

    private static readonly Lazy<string> SeedKeyJson = new(() => Resource("seed-key.json"));

    /// <summary>The samples of a protocol or tile manifest; for a message type added since (no sample here yet) every
    /// sample of every manifest, which share the header layout, so the new decoder is still fuzzed.</summary>
    public static IReadOnlyList<byte[]> Message(string manifest) =>
        MessageSamples.Value.Contains(manifest) ? [.. MessageSamples.Value[manifest]] : [.. MessageSamples.Value.SelectMany(g => g)];

    /// <summary>Whether <see cref="Message"/> has samples of this manifest (rather than the fallback).</summary>
    public static bool HasMessageSamples(string manifest) => MessageSamples.Value.Contains(manifest);

    /// <summary>The seed key's public half in the DPK1 encoding, and in the DPK2 encoding of a fast key.</summary>
    /// <summary>A small BFV plan (N = 4096) whose key and ciphertexts the BFV targets read.</summary>
    public static readonly Lazy<IProductPlan> BfvPlan = new(() => MatrixSchemes.Plan(Scheme.Bfv, new ProductShape(2, 2, 2, 8, 8, 40, ShareDomain.Ring64, 0)));

    private static readonly Lazy<IEncryptorKernels> BfvEncryptor = new(() => MatrixSchemes.Of(Scheme.Bfv).CreateEncryptor(
        BfvPlan.Value, new Matrix<long>(2, 2, [1, -2, 3, -4]), new EncryptorKeying(Bytes(32, 40), Bytes(32, 41), null, KeyForm.Standard, 2048)));

    /// <summary>The key message of a fixed BFV secret.</summary>
    public static IReadOnlyList<byte[]> BfvKeys() => [BfvEncryptor.Value.PublicKey];

    /// <summary>A fresh ciphertext under that key.</summary>
    public static IReadOnlyList<byte[]> BfvCiphertexts()
    {
        var ciphertext = new byte[BfvPlan.Value.EncryptedWidth];
        BfvEncryptor.Value.Encrypt(0, 1, ciphertext);
        return [ciphertext];
    }

    public static IReadOnlyList<byte[]> PublicKeys()
    {
        using var key = PaillierPrivateKey.FromJson(SeedKeyJson.Value);
        var standard = key.PublicKey.ToBytes();

        // The DPK2 layout of a fast key: the same parts with the order bits l = 448 of a 2048-bit key appended.
        var fast = new byte[standard.Length + 4];
        standard.CopyTo(fast, 0);
        "DPK2"u8.CopyTo(fast);
        BinaryPrimitives.WriteInt32BigEndian(fast.AsSpan(standard.Length), FastKeyForm.OrderBits(key.PublicKey.Bits));
        return [standard, fast];
    }

    /// <summary>A throwaway 2048-bit key (corpus/private-key/seed-key.json, made by <c>duet keygen --bits 2048</c>),
    /// as written and re-serialised compactly.</summary>
    public static IReadOnlyList<byte[]> PrivateKeys()
    {
        using var key = PaillierPrivateKey.FromJson(SeedKeyJson.Value);
        return [Encoding.UTF8.GetBytes(SeedKeyJson.Value), Encoding.UTF8.GetBytes(key.ToJson())];
    }

    /// <summary>A 2×3 matrix in each supported dtype, a 1-D array, and a Fortran-flagged header that is refused.</summary>
    public static IReadOnlyList<byte[]> Npy() =>
    [
        NpyFile<long>("<i8", "(2, 3)", [1L, -2, 3, long.MaxValue, long.MinValue, 0], (s, v) => BinaryPrimitives.WriteInt64LittleEndian(s, v), 8),
        NpyFile<ulong>("<u8", "(2, 3)", [1UL, 2, 3, ulong.MaxValue, 0, 42], (s, v) => BinaryPrimitives.WriteUInt64LittleEndian(s, v), 8),
        NpyFile<int>("<i4", "(3, 2)", [1, -1, int.MaxValue, int.MinValue, 7, 0], (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v), 4),
        NpyFile<double>("<f8", "(2, 3)", [0.5, -1.25, 1e300, -0.0, 3, 2.5e-300], (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v), 8),
        NpyFile<float>("<f4", "(2, 2)", [0.5f, -1.25f, 3e38f, 1f], (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v), 4),
        NpyFile<long>("<i8", "(4,)", [5L, 6, 7, 8], (s, v) => BinaryPrimitives.WriteInt64LittleEndian(s, v), 8),
    ];

    public static IReadOnlyList<byte[]> Csv() =>
    [
        .. new[]
        {
            "1,2,3\n4,5,6\n",
            "-9223372036854775808, 9223372036854775807\r\n0,1\r\n",
            "0.5,1e-3\n-2.25,3E+10\n",
            "123456789012345678901234567890,-1\n2,3\n\n",
            "7\n",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <summary>The shipped party configurations and a few short ones.</summary>
    public static IReadOnlyList<byte[]> Hocon() =>
    [
        .. new[]
        {
            Resource("party-a.hocon"),
            Resource("party-b.hocon"),
            "duet.party { side = right, input-bits = 40, frac-bits = 8 }\nduet.session.reveal = left\n",
            "duet {\n  session { timeout = 2m, role = encryptor }\n  flow.window = 4\n  evaluator.table-memory = 64MiB\n}\n",
            "a = [1, 2, \"x\"]\nb = ${a}\nduet.party.name = \"\"\"q\"\"\"",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <summary>An evaluator's journal (its operand, tiles, a resume, a reveal mark) and an encryptor's (its seed, a
    /// tile), written by <see cref="SessionJournalFile"/> itself.</summary>
    public static IReadOnlyList<byte[]> Journals()
    {
        var left = new Hello(Session, 6, OperandSide.Left, 30, 4, 16, 0, ShareDomain.Ring64, Reveal.Both, 2048, 40, RolePreference.Auto, "a", Scheme.Paillier, TileRanges.Of([0, 1]));
        var right = left with { Side = OperandSide.Right, Rows = 4, Columns = 3, PartyName = "b" };
        return
        [
            Journal(
                SessionResume.Encode(left, right),
                SessionJournalFile.OperandRecord(new EncryptedOperand(Bytes(32, 3), [Bytes(32, 4), Bytes(32, 5)])),
                SessionJournalFile.TileRecord(0, new CommittedTile(Bytes(32, 6), Bytes(32, 7))),
                SessionJournalFile.TileRecord(2, new CommittedTile(Bytes(32, 8), Bytes(32, 9))),
                SessionJournalFile.ResumedRecord(TileRanges.Of([0, 1])),
                SessionJournalFile.RevealRecord()),
            Journal(SessionResume.Encode(right, left, Bytes(EncryptionSeed.Bytes, 10)), SessionJournalFile.TileRecord(1, new CommittedTile(Bytes(32, 11), Bytes(32, 12)))),
        ];
    }

    private static byte[] Journal(byte[] state, params byte[][] records)
    {
        var path = Path.Combine(Path.GetTempPath(), $"duet-fuzz-journal-{Guid.NewGuid():N}");
        try
        {
            using (var journal = SessionJournalFile.Create(path, new JournalHeader(Bytes(32, 1), Bytes(32, 2), "share.npy.duet-partial", state, [])))
            {
                journal.Append(records);
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] NpyFile<T>(string descr, string shape, T[] values, SpanAction<T> write, int size)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var headerLength = (dict.Length + 11 + 63) / 64 * 64 - 10;
        var header = dict.PadRight(headerLength - 1) + "\n";
        var bytes = new byte[10 + headerLength + (values.Length * size)];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        for (var i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(10 + headerLength + (i * size)), values[i]);
        }

        return bytes;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 131) + (seed * 17) + 1);
        }

        bytes[0] |= 0x80;
        return bytes;
    }

    private static string Resource(string name)
    {
        using var stream = typeof(Seeds).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Embedded seed {name} is missing."));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private delegate void SpanAction<in T>(Span<byte> span, T value);
}
