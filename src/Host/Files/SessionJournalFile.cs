using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Duet.Actors;
using Duet.Actors.Protocol;

namespace Duet.Host.Files;

/// <summary>What a journal's header holds: the digests a resume compares, where the partial share is, the runtime's
/// state of the session and the encryptor's exported secret key (empty on the evaluator).</summary>
internal sealed record JournalHeader(byte[] InputDigest, byte[] SettingsDigest, string PartialName, byte[] State, byte[] Secret);

/// <summary>A journal as read back: its header, the committed tiles with their digests, the evaluator's record of the
/// encrypted operand (<see cref="EncryptedOperand.Encode"/>; null if none), whether this party began to reveal its
/// share, and the length of its intact records (a torn last record after it is ignored and cut off before appending).</summary>
internal sealed record JournalContents(JournalHeader Header, IReadOnlyDictionary<int, CommittedTile> Committed, byte[]? Operand, bool RevealBegan, long IntactLength);

/// <summary>
/// <c>&lt;output&gt;.duet-journal</c>: a magic line, then records of <c>[int32 length][kind][payload][first 8 bytes of
/// SHA-256(kind, payload)]</c>: one header; on the evaluator the encrypted operand it received, before any tile; a
/// record per committed tile (its index and the SHA-256 of its result block and of its share band); at each resume the
/// set of tiles it kept (the tiles outside it are computed again, so their earlier records no longer count); and a mark
/// when this party began to reveal its share. Created with mode 0600: it holds the encryptor's secret key and seed. A
/// record is appended and flushed to disk before the runtime goes on. Only a truncated last record is a torn tail: a
/// length that no record of its kind can have is damage, wherever it is.
/// </summary>
internal sealed class SessionJournalFile : IDisposable
{
    private const byte HeaderKind = 1;
    private const byte TileKind = 2;
    private const byte ResumedKind = 3;
    private const byte OperandKind = 4;
    private const byte RevealKind = 5;
    private const int CheckBytes = 8;
    private const int DigestBytes = 32;
    private const int TilePayloadBytes = sizeof(int) + (2 * DigestBytes);
    private const int MaxHeaderBytes = 16 << 20;
    private static readonly byte[] Magic = "duet-journal 2\n"u8.ToArray();
    private static readonly byte[] EarlierMagic = "duet-journal 1\n"u8.ToArray();

    private readonly FileStream stream;

    private SessionJournalFile(FileStream stream) => this.stream = stream;

    /// <summary>The journal beside a share file.</summary>
    public static string PathFor(string output) => output + ".duet-journal";

    /// <summary>The partial share a journaled run writes in place, beside its share file.</summary>
    public static string PartialFor(string output) => output + ".duet-partial";

    /// <summary>Creates a new journal (mode 0600) with its header, flushed to disk.</summary>
    public static SessionJournalFile Create(string path, JournalHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var journal = new SessionJournalFile(new FileStream(path, options));
        journal.stream.Write(Magic);
        journal.Append([Record(HeaderKind, EncodeHeader(header))]);
        return journal;
    }

    /// <summary>Opens a journal read by <see cref="Read"/> to append after its intact records.</summary>
    public static SessionJournalFile Reopen(string path, JournalContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(contents.IntactLength);
        stream.Position = contents.IntactLength;
        return new SessionJournalFile(stream);
    }

    /// <summary>A committed tile's record.</summary>
    public static byte[] TileRecord(int tile, CommittedTile digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Result.Length != DigestBytes || digests.Band.Length != DigestBytes)
        {
            throw new ArgumentException("a tile's digests are SHA-256 digests", nameof(digests));
        }

        var payload = new byte[TilePayloadBytes];
        BinaryPrimitives.WriteInt32LittleEndian(payload, tile);
        digests.Result.CopyTo(payload, sizeof(int));
        digests.Band.CopyTo(payload, sizeof(int) + DigestBytes);
        return Record(TileKind, payload);
    }

    /// <summary>The evaluator's record of the encrypted operand it received.</summary>
    public static byte[] OperandRecord(EncryptedOperand operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        return Record(OperandKind, operand.Encode());
    }

    /// <summary>The mark that this party began to reveal its share.</summary>
    public static byte[] RevealRecord() => Record(RevealKind, []);

    /// <summary>A resume's record: the tiles it skips, the only earlier ones that still count.</summary>
    public static byte[] ResumedRecord(TileRanges kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        var payload = new byte[sizeof(int) * (1 + (2 * kept.Ranges.Count))];
        BinaryPrimitives.WriteInt32LittleEndian(payload, kept.Ranges.Count);
        for (var i = 0; i < kept.Ranges.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(sizeof(int) * (1 + (2 * i))), kept.Ranges[i].First);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(sizeof(int) * (2 + (2 * i))), kept.Ranges[i].Count);
        }

        return Record(ResumedKind, payload);
    }

    /// <summary>Appends records and flushes them to disk.</summary>
    public void Append(IEnumerable<byte[]> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            stream.Write(record);
        }

        stream.Flush(flushToDisk: true);
    }

    public void Dispose() => stream.Dispose();

    /// <summary>Reads a journal; a torn last record is ignored, anything else wrong is a <see cref="FormatException"/>.</summary>
    public static JournalContents Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(EarlierMagic))
        {
            throw new FormatException("it was written by an earlier version of duet (journal format 1), whose resume binds neither operand");
        }

        if (!bytes.StartsWith(Magic))
        {
            throw new FormatException("it is not a Duet journal (no 'duet-journal 2' line)");
        }

        var position = Magic.Length;
        var journal = new Reading();
        while (position < bytes.Length)
        {
            var rest = bytes[position..];
            if (rest.Length <= sizeof(int))
            {
                break; // torn: the run stopped while appending its last record
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
            if (!Plausible(rest[sizeof(int)], length))
            {
                throw new FormatException($"the record at byte {position} is damaged (a record of kind {rest[sizeof(int)]} cannot have {length} bytes)");
            }

            var total = sizeof(int) + 1 + (long)length + CheckBytes;
            if (total > rest.Length)
            {
                break; // torn: the run stopped while appending its last record
            }

            var body = rest.Slice(sizeof(int), 1 + length);
            if (!SHA256.HashData(body).AsSpan(0, CheckBytes).SequenceEqual(rest.Slice(sizeof(int) + 1 + length, CheckBytes)))
            {
                if (total == rest.Length && journal.Header is not null)
                {
                    break; // a torn last record
                }

                throw new FormatException($"the record at byte {position} is damaged (its checksum does not match)");
            }

            journal.Apply(body[0], body[1..], position);
            position += (int)total;
        }

        return new JournalContents(journal.Header ?? throw new FormatException("its header is missing or incomplete"), journal.Committed, journal.Operand, journal.RevealBegan, position);
    }

    /// <summary>Whether a record of this kind can have this many payload bytes.</summary>
    private static bool Plausible(byte kind, int length) => kind switch
    {
        HeaderKind => length is > 0 and <= MaxHeaderBytes,
        TileKind => length == TilePayloadBytes,
        ResumedKind => length >= sizeof(int) && (length - sizeof(int)) % (2 * sizeof(int)) == 0 && (length - sizeof(int)) / (2 * sizeof(int)) <= TileRanges.MaxRanges,
        OperandKind => length >= OperandBytes(0) && (length - OperandBytes(0)) % (sizeof(int) + DigestBytes) == 0,
        RevealKind => length == 0,
        _ => false,
    };

    /// <summary>Bytes of an encoded operand record of <paramref name="blocks"/> blocks (<see cref="EncryptedOperand.Encode"/>).</summary>
    private static long OperandBytes(int blocks) => 1 + ((sizeof(int) + DigestBytes) * (blocks + 1L)) + sizeof(int);

    /// <summary>A journal's state as its records are read in order.</summary>
    private sealed class Reading
    {
        public JournalHeader? Header { get; private set; }

        public Dictionary<int, CommittedTile> Committed { get; } = [];

        public byte[]? Operand { get; private set; }

        public bool RevealBegan { get; private set; }

        public void Apply(byte kind, ReadOnlySpan<byte> payload, int position)
        {
            if ((kind == HeaderKind) != (Header is null) || (kind == OperandKind && Operand is not null))
            {
                throw new FormatException($"the record at byte {position} is out of place (a journal has one header, first, and at most one operand)");
            }

            switch (kind)
            {
                case HeaderKind:
                    Header = DecodeHeader(payload);
                    break;
                case TileKind when BinaryPrimitives.ReadInt32LittleEndian(payload) >= 0:
                    Committed[BinaryPrimitives.ReadInt32LittleEndian(payload)] = new CommittedTile(
                        payload.Slice(sizeof(int), DigestBytes).ToArray(), payload.Slice(sizeof(int) + DigestBytes, DigestBytes).ToArray());
                    break;
                case ResumedKind when payload.Length == sizeof(int) * (1 + (2 * (long)BinaryPrimitives.ReadInt32LittleEndian(payload))):
                    Keep(payload, position);
                    break;
                case OperandKind:
                    Operand = payload.ToArray();
                    break;
                case RevealKind:
                    RevealBegan = true;
                    break;
                default:
                    throw new FormatException($"the record at byte {position} (kind {kind}, {payload.Length} bytes) is not one a journal holds");
            }
        }

        /// <summary>A resume's record: the tiles outside it are computed again, so their earlier records no longer count.</summary>
        private void Keep(ReadOnlySpan<byte> payload, int position)
        {
            var ranges = new (int, int)[BinaryPrimitives.ReadInt32LittleEndian(payload)];
            for (var i = 0; i < ranges.Length; i++)
            {
                ranges[i] = (BinaryPrimitives.ReadInt32LittleEndian(payload[(sizeof(int) * (1 + (2 * i)))..]), BinaryPrimitives.ReadInt32LittleEndian(payload[(sizeof(int) * (2 + (2 * i)))..]));
            }

            var kept = TileRanges.FromRanges(ranges) ?? throw new FormatException($"the resume record at byte {position} holds no valid tile ranges");
            foreach (var tile in Committed.Keys.Where(t => !kept.Contains(t)).ToList())
            {
                Committed.Remove(tile);
            }
        }
    }

    private static byte[] Record(byte kind, ReadOnlySpan<byte> payload)
    {
        var record = new byte[sizeof(int) + 1 + payload.Length + CheckBytes];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        record[sizeof(int)] = kind;
        payload.CopyTo(record.AsSpan(sizeof(int) + 1));
        SHA256.HashData(record.AsSpan(sizeof(int), 1 + payload.Length)).AsSpan(0, CheckBytes).CopyTo(record.AsSpan(sizeof(int) + 1 + payload.Length));
        return record;
    }

    private static byte[] EncodeHeader(JournalHeader header)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var field in new[] { header.InputDigest, header.SettingsDigest, Encoding.UTF8.GetBytes(header.PartialName), header.State, header.Secret })
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, field.Length);
            buffer.Write(length);
            buffer.Write(field);
        }

        return buffer.ToArray();
    }

    private static JournalHeader DecodeHeader(ReadOnlySpan<byte> payload)
    {
        var fields = new byte[5][];
        for (var i = 0; i < fields.Length; i++)
        {
            var length = payload.Length < sizeof(int) ? -1 : BinaryPrimitives.ReadInt32LittleEndian(payload);
            if (length < 0 || length > payload.Length - sizeof(int))
            {
                throw new FormatException("its header is malformed");
            }

            fields[i] = payload.Slice(sizeof(int), length).ToArray();
            payload = payload[(sizeof(int) + length)..];
        }

        if (payload.Length != 0 || fields[0].Length != DigestBytes || fields[1].Length != DigestBytes)
        {
            throw new FormatException("its header is malformed");
        }

        return new JournalHeader(fields[0], fields[1], Encoding.UTF8.GetString(fields[2]), fields[3], fields[4]);
    }
}
