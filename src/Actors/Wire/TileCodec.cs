using System.Diagnostics;
using System.Numerics;
using System.Runtime.Serialization;
using Duet.Actors.Tiles;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of the tile messages, in the conventions of <see cref="DuetSerializer"/>: header, then
/// Index and Attempt, then each message's own fields; share bands as a value count and
/// <see cref="SignedIntegerCodec"/> bytes.</summary>
internal static class TileCodec
{
    public const string EncryptTileManifest = "ET";
    public const string EvaluateTileManifest = "VT";
    public const string DecryptTileManifest = "DT";
    public const string EncryptResultManifest = "ER";
    public const string EvaluateResultManifest = "VR";
    public const string DecryptResultManifest = "DR";
    public const string TileFailedManifest = "TF";

    // Capability, Index, Attempt
    private const int TileHeader = PeerCodec.Header + sizeof(int) + (2 * sizeof(int));

    public static string ManifestFor(ITileMessage message) => message switch
    {
        EncryptTile => EncryptTileManifest,
        EvaluateTile => EvaluateTileManifest,
        DecryptTile => DecryptTileManifest,
        EncryptResult => EncryptResultManifest,
        EvaluateResult => EvaluateResultManifest,
        DecryptResult => DecryptResultManifest,
        TileFailed => TileFailedManifest,
        _ => throw new ArgumentException($"{message.GetType().FullName} is not a Duet tile message.", nameof(message)),
    };

    public static byte[] Encode(ITileMessage message)
    {
        PeerCodec.CheckWrite(message.GetType().Name, message.Index >= 0 && message.Attempt >= 1, $"Index = {message.Index}, Attempt = {message.Attempt} are out of range");
        var name = message.GetType().Name;
        return message switch
        {
            EncryptTile m => Write(m, 2 * sizeof(int), (ref WireWriter w) => { w.WriteInt32(m.First); w.WriteInt32(m.Count); }),
            EvaluateTile m => WriteEvaluateTile(m),
            DecryptTile m => Write(m, (2 * sizeof(int)) + Prefixed(m.Ciphertexts, name), (ref WireWriter w) =>
            {
                w.WriteInt32(m.First);
                w.WriteInt32(m.Count);
                w.WriteBytes(m.Ciphertexts);
            }),
            EncryptResult m => Write(m, Prefixed(m.Ciphertexts, name), (ref WireWriter w) => w.WriteBytes(m.Ciphertexts)),
            EvaluateResult m => WriteBand(m, Prefixed(m.Ciphertexts, name), (ref WireWriter w) => w.WriteBytes(m.Ciphertexts)),
            DecryptResult m => WriteBand(m, 0, (ref WireWriter _) => { }),
            TileFailed m => EncodeFailed(m),
            _ => throw new ArgumentException($"{message.GetType().FullName} is not a Duet tile message.", nameof(message)),
        };
    }

    public static ITileMessage Decode(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (manifest is not (EncryptTileManifest or EvaluateTileManifest or DecryptTileManifest or EncryptResultManifest
            or EvaluateResultManifest or DecryptResultManifest or TileFailedManifest))
        {
            throw new SerializationException($"Unknown Duet message manifest '{manifest}' ({bytes.Length} bytes).");
        }

        var r = new WireReader(bytes, manifest);
        r.ReadFormatVersion(WireLimits.TileFormatVersion);
        var sessionId = r.ReadGuid("SessionId");
        var capability = ReadCapability(ref r);
        var (index, attempt) = (r.ReadInt32("Index", 0), r.ReadInt32("Attempt", 1));
        ITileMessage message = manifest switch
        {
            EncryptTileManifest => new EncryptTile(sessionId, index, attempt, r.ReadInt32("First", 0), r.ReadInt32("Count", 0)),
            EvaluateTileManifest => ReadEvaluateTile(ref r, sessionId, index, attempt),
            DecryptTileManifest => new DecryptTile(sessionId, index, attempt, r.ReadInt32("First", 0), r.ReadInt32("Count", 0), ReadPayload(ref r, "Ciphertexts")),
            EncryptResultManifest => new EncryptResult(sessionId, index, attempt, ReadPayload(ref r, "Ciphertexts")),
            EvaluateResultManifest => ReadEvaluateResult(ref r, sessionId, index, attempt),
            DecryptResultManifest => ReadBand(ref r, (firstRow, firstColumn, columns, share) => new DecryptResult(sessionId, index, attempt, firstRow, firstColumn, columns, share)),
            TileFailedManifest => new TileFailed(
                sessionId, index, attempt, r.ReadEnum<TileKind>("Kind"), r.ReadEnum<TileFailure>("Failure"), r.ReadString("Detail", WireLimits.MaxAbortTextBytes)),
            _ => throw new UnreachableException(manifest),
        };
        r.End();
        return message switch
        {
            Tile tile => tile with { Capability = capability },
            TileResult result => result with { Capability = capability },
            _ => throw new UnreachableException(manifest),
        };
    }

    /// <summary>The session capability of a tile or node message: empty, or exactly 32 bytes.</summary>
    internal static byte[] ReadCapability(ref WireReader r)
    {
        var capability = r.ReadBytes("Capability", 0, SessionCapability.Bytes).ToArray();
        return capability.Length is 0 or SessionCapability.Bytes ? capability : throw r.Error($"a capability of {capability.Length} bytes is neither empty nor {SessionCapability.Bytes}");
    }

    private delegate void Fields(ref WireWriter writer);

    private static int Prefixed(byte[] bytes, string message)
    {
        PeerCodec.CheckWrite(message, bytes is { Length: <= WireLimits.MaxPayloadBytes }, $"a byte field must be present and at most {WireLimits.MaxPayloadBytes} bytes");
        return WireWriter.PrefixedBytes(bytes.Length);
    }

    private static byte[] Write(ITileMessage m, int fieldBytes, Fields fields)
    {
        PeerCodec.CheckWrite(m.GetType().Name, m.Capability is { Length: 0 or SessionCapability.Bytes }, "the capability must be empty or 32 bytes");
        var bytes = new byte[TileHeader + m.Capability.Length + fieldBytes];
        var w = new WireWriter(bytes, WireLimits.TileFormatVersion);
        w.WriteGuid(m.SessionId);
        w.WriteBytes(m.Capability);
        w.WriteInt32(m.Index);
        w.WriteInt32(m.Attempt);
        fields(ref w);
        return bytes;
    }

    private static byte[] WriteBand(ShareBand m, int ownBytes, Fields own)
    {
        var name = m.GetType().Name;
        var share = m.Share ?? throw PeerCodec.Invalid(name, "Share is null");
        PeerCodec.CheckWrite(name, m.FirstRow >= 0 && m.FirstColumn >= 0 && m.Columns >= 1 && share.Length % m.Columns == 0, "the share band is out of shape");
        var values = SignedIntegerCodec.Encode(share);
        var size = ownBytes + (4 * sizeof(int)) + Prefixed(values, name);
        return Write(m, size, (ref WireWriter w) =>
        {
            own(ref w);
            w.WriteInt32(m.FirstRow);
            w.WriteInt32(m.FirstColumn);
            w.WriteInt32(m.Columns);
            w.WriteInt32(share.Length);
            w.WriteBytes(values);
        });
    }

    /// <summary>The band of X: its row length, its entry count, the width in bytes of the widest entry (1 to 8), then
    /// the entries as little-endian two's complement of that width; a band is whole rows (none under BFV, with 0
    /// columns), at most <see cref="MaxBandEntries"/> entries.</summary>
    private static byte[] WriteEvaluateTile(EvaluateTile m)
    {
        var x = m.X ?? throw PeerCodec.Invalid("EvaluateTile", "X is null");
        PeerCodec.CheckWrite("EvaluateTile", BandFits(m.XColumns, x.Length), $"a band of {x.Length} entries in rows of {m.XColumns} is out of shape");
        var width = EntryWidth(x);
        return Write(m, (2 * sizeof(int)) + 1 + (x.Length * width), (ref WireWriter w) =>
        {
            w.WriteInt32(m.XColumns);
            w.WriteInt32(x.Length);
            w.WriteByte((byte)width);
            w.WriteNarrow(x, width);
        });
    }

    private static EvaluateTile ReadEvaluateTile(ref WireReader r, Guid sessionId, int index, int attempt)
    {
        var (columns, count) = (r.ReadInt32("XColumns", 0), r.ReadInt32("XEntries", 0, MaxBandEntries));
        var width = r.ReadByte("XWidth");
        if (!BandFits(columns, count) || width is < 1 or > sizeof(long) || (long)count * width > r.Remaining)
        {
            throw r.Error($"a band of {count} entries of {width} bytes in rows of {columns} is out of shape or longer than the bytes present");
        }

        var x = new long[count];
        r.ReadNarrow("X", x, width);
        if (EntryWidth(x) != width)
        {
            throw r.Error($"a band whose widest entry needs {EntryWidth(x)} bytes is written in {width}");
        }

        return new EvaluateTile(sessionId, index, attempt, columns, x);
    }

    // Bytes of the widest entry as two's complement: 32-bit inputs travel in 4 bytes, not 8.
    private static int EntryWidth(long[] x)
    {
        ulong magnitudes = 0;
        foreach (var entry in x)
        {
            magnitudes |= (ulong)(entry ^ (entry >> 63));
        }

        var bits = 65 - (int)ulong.LeadingZeroCount(magnitudes);
        return Math.Min(sizeof(long), (bits + 7) / 8);
    }

    /// <summary>Largest band of X a tile carries: what fits a payload.</summary>
    public const int MaxBandEntries = WireLimits.MaxPayloadBytes / sizeof(long);

    private static bool BandFits(int columns, int count) =>
        columns == 0 ? count == 0 : columns > 0 && count >= columns && count <= MaxBandEntries && count % columns == 0;

    private static byte[] EncodeFailed(TileFailed m)
    {
        PeerCodec.CheckWrite("TileFailed", Enum.IsDefined(m.Kind) && Enum.IsDefined(m.Failure), "an enum field has an undefined value");
        var detail = PeerCodec.TruncateUtf8(m.Detail ?? string.Empty, WireLimits.MaxAbortTextBytes);
        return Write(m, 2 + WireWriter.PrefixedBytes(detail.Length), (ref WireWriter w) =>
        {
            w.WriteByte((byte)m.Kind);
            w.WriteByte((byte)m.Failure);
            w.WriteBytes(detail);
        });
    }

    private static byte[] ReadPayload(ref WireReader r, string field) => r.ReadBytes(field, 0, WireLimits.MaxPayloadBytes).ToArray();

    private static EvaluateResult ReadEvaluateResult(ref WireReader r, Guid sessionId, int index, int attempt)
    {
        var ciphertexts = ReadPayload(ref r, "Ciphertexts");
        return ReadBand(ref r, (firstRow, firstColumn, columns, share) => new EvaluateResult(sessionId, index, attempt, ciphertexts, firstRow, firstColumn, columns, share));
    }

    private static T ReadBand<T>(ref WireReader r, Func<int, int, int, BigInteger[], T> create)
    {
        var firstRow = r.ReadInt32("FirstRow", 0);
        var firstColumn = r.ReadInt32("FirstColumn", 0);
        var columns = r.ReadInt32("Columns", 1);
        var count = r.ReadInt32("Values", 0);
        if (count % columns != 0)
        {
            throw r.Error($"{count} values do not fill rows of {columns} columns");
        }

        var values = r.ReadBytes("Share", 0, WireLimits.MaxPayloadBytes);
        return create(firstRow, firstColumn, columns, SignedIntegerCodec.Decode(values, count));
    }
}
