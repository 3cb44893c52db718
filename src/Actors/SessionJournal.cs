using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto;

namespace Duet.Actors;

/// <summary>
/// What a streamed run tells its host so that an interrupted run can be resumed (the runtime writes no files;
/// the host's journal does). <see cref="Begin"/> comes once, after keying, in a new session; <see cref="Resumed"/>
/// once, after the handshake, in a resumed one; on the evaluator <see cref="OperandReceived"/> once its peer's
/// encrypted operand is complete (before any tile); then <see cref="Committed"/> for every result tile whose band of
/// the share the sink has been given; <see cref="RevealBegan"/> before this party sends its first revealed run. A
/// journal that throws aborts the session on both sides.
/// </summary>
public interface ISessionJournal
{
    /// <summary>A new session: what a resume needs to take it up again (the hellos; the encryptor's secret key and seed).</summary>
    void Begin(JournalStart start);

    /// <summary>A resumed session: the tiles both parties committed, which it skips; every other tile is computed
    /// again (with fresh masks), so the journal must forget what it recorded of them before.</summary>
    void Resumed(TileRanges skipped);

    /// <summary>The evaluator received the whole encrypted operand: a resume must receive exactly the same, so this is
    /// on disk before any tile is committed.</summary>
    void OperandReceived(EncryptedOperand operand);

    /// <summary>A result tile whose band of the share went to the sink, with the SHA-256 of its result block and of its band.</summary>
    void Committed(int tile, CommittedTile digests);

    /// <summary>This party is about to reveal its share: a resume may then only skip every tile (on disk before the first run goes).</summary>
    void RevealBegan();
}

/// <summary>The start of a journaled session.</summary>
/// <param name="State">The session's own record of itself (<see cref="SessionResume.Encode"/>), kept by the host as bytes.</param>
/// <param name="Secret">The encryptor's secret key as its scheme exports it (the resumed run encrypts with it again);
/// empty on the evaluator.</param>
public sealed record JournalStart(Guid SessionId, byte[] State, byte[] Secret);

/// <summary>A committed tile's digests: SHA-256 of its result block (for the transcript) and of its band of the share
/// as written (<see cref="State.ShareOutput.BandDigest"/>), which a resume checks against the partial share.</summary>
public sealed record CommittedTile(byte[] Result, byte[] Band);

/// <summary>What the evaluator received from the encryptor, by SHA-256: its public key and every encrypted block.</summary>
public sealed record EncryptedOperand(byte[] KeyDigest, IReadOnlyList<byte[]> Blocks)
{
    private const int DigestBytes = 32;

    public byte[] Encode()
    {
        var bytes = new byte[WireWriter.HeaderBytes + WireWriter.PrefixedBytes(DigestBytes) + sizeof(int) + (Blocks.Count * WireWriter.PrefixedBytes(DigestBytes))];
        var w = new WireWriter(bytes);
        w.WriteBytes(KeyDigest);
        w.WriteInt32(Blocks.Count);
        foreach (var block in Blocks)
        {
            w.WriteBytes(block);
        }

        return bytes;
    }

    /// <summary>Reads bytes written by <see cref="Encode"/>; throws <see cref="FormatException"/> on anything else.</summary>
    public static EncryptedOperand Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var r = new WireReader(bytes, "journaled operand");
            r.ReadFormatVersion();
            var key = r.ReadBytes("key", DigestBytes, DigestBytes).ToArray();
            var blocks = new byte[r.ReadInt32("blocks", 0, r.Remaining / WireWriter.PrefixedBytes(DigestBytes))][];
            for (var i = 0; i < blocks.Length; i++)
            {
                blocks[i] = r.ReadBytes("block", DigestBytes, DigestBytes).ToArray();
            }

            r.End();
            return new EncryptedOperand(key, blocks);
        }
        catch (System.Runtime.Serialization.SerializationException error)
        {
            throw new FormatException(error.Message, error);
        }
    }
}

/// <summary>
/// What a host passes back (<see cref="PartySettings.Resume"/>) to resume an interrupted session: its state as
/// <see cref="JournalStart.State"/> gave it (the hellos; the encryptor's seed), the result tiles the journal holds as
/// committed with their digests (the transcript is seeded with them; the bands are checked against the partial
/// share), the evaluator's record of the encrypted operand, whether this party began to reveal its share, and the
/// encryptor's seed and secret key.
/// </summary>
public sealed record SessionResume(Guid SessionId, Hello Mine, Hello Peer, IReadOnlyDictionary<int, CommittedTile> Committed)
{
    /// <summary>The encryptor's encryption seed, so it sends the same ciphertexts again; empty on the evaluator.</summary>
    public byte[] Seed { get; init; } = [];

    /// <summary>The encryptor's secret key as its scheme exported it (<see cref="JournalStart.Secret"/>); empty on the evaluator.</summary>
    public byte[] Secret { get; init; } = [];

    /// <summary>The evaluator's record of what it received; null when the interrupted run had not received it whole.</summary>
    public EncryptedOperand? Operand { get; init; }

    /// <summary>This party began to reveal its share before the interruption.</summary>
    public bool RevealBegan { get; init; }

    /// <summary>The state bytes of a new session: both hellos as the handshake agreed them and the encryptor's seed (empty on the evaluator).</summary>
    public static byte[] Encode(Hello mine, Hello peer, ReadOnlySpan<byte> seed = default)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(peer);
        var (a, b) = (HelloCodec.EncodeHello(mine), HelloCodec.EncodeHello(peer));
        var bytes = new byte[WireWriter.HeaderBytes + WireWriter.PrefixedBytes(a.Length) + WireWriter.PrefixedBytes(b.Length) + WireWriter.PrefixedBytes(seed.Length)];
        var w = new WireWriter(bytes);
        w.WriteBytes(a);
        w.WriteBytes(b);
        w.WriteBytes(seed);
        return bytes;
    }

    /// <summary>Reads state bytes written by <see cref="Encode"/>; throws <see cref="FormatException"/> on anything else.</summary>
    public static SessionResume Decode(ReadOnlySpan<byte> state, IReadOnlyDictionary<int, CommittedTile> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        try
        {
            var r = new WireReader(state, "journal state");
            r.ReadFormatVersion();
            var mine = HelloCodec.DecodeHello(r.ReadBytes("mine", 1, WireLimits.MaxPayloadBytes));
            var peer = HelloCodec.DecodeHello(r.ReadBytes("peer", 1, WireLimits.MaxPayloadBytes));
            var seed = r.ReadBytes("seed", 0, RandomStream.SeedBytes).ToArray();
            r.End();
            if (mine.SessionId != peer.SessionId)
            {
                throw new FormatException("its two hellos are of different sessions");
            }

            if (seed.Length is not (0 or RandomStream.SeedBytes))
            {
                throw new FormatException($"its encryption seed has {seed.Length} bytes");
            }

            return new SessionResume(mine.SessionId, mine, peer, committed) { Seed = seed };
        }
        catch (System.Runtime.Serialization.SerializationException error)
        {
            throw new FormatException(error.Message, error);
        }
    }

    /// <summary>The tiles this party offers to skip.</summary>
    public TileRanges Offer() => TileRanges.Of(Committed.Keys);

    /// <summary>Why <paramref name="hello"/> is not the journaled one (name and resume field aside), or null.</summary>
    internal static string? Differs(Hello journaled, Hello hello, string whose) =>
        journaled with { PartyName = string.Empty, Resume = null } == hello with { PartyName = string.Empty, Resume = null }
            ? null
            : $"{whose} hello differs from the interrupted session's ({Describe(hello)} now, {Describe(journaled)} then)";

    private static string Describe(Hello h) =>
        $"{h.Side} {h.Rows}x{h.Columns}, {h.InputBits} input bits, {h.FractionBits} fraction bits, {h.Domain}, {h.Scheme}, key {h.KeyBits} ({h.KeyForm.ToString().ToLowerInvariant()}{(h.AcceptFastKey ? ", accepts fast" : string.Empty)}), sigma {h.Sigma}, role {h.Role}, protocol {h.ProtocolVersion}";
}
