using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Paillier;

namespace Duet.Actors;

/// <summary>
/// What a streamed Paillier run tells its host so that an interrupted run can be resumed (the runtime writes no files;
/// the host's journal does). <see cref="Begin"/> comes once, after keying, in a new session; <see cref="Resumed"/>
/// once, after the handshake, in a resumed one; then <see cref="Committed"/> for every result tile whose band of
/// the share the sink has been given. A journal that throws aborts the session on both sides.
/// </summary>
public interface ISessionJournal
{
    /// <summary>A new session: what a resume needs to take it up again (the hellos; the encryptor's private key).</summary>
    void Begin(JournalStart start);

    /// <summary>A resumed session: the tiles both parties committed, which it skips; every other tile is computed
    /// again (with fresh masks), so the journal must forget what it recorded of them before.</summary>
    void Resumed(TileRanges skipped);

    /// <summary>A result tile whose band of the share went to the sink, with the SHA-256 of its result block.</summary>
    void Committed(int tile, byte[] digest);
}

/// <summary>The start of a journaled session.</summary>
/// <param name="State">The session's own record of itself (<see cref="SessionResume.Encode"/>), kept by the host as bytes.</param>
/// <param name="Key">The encryptor's private key (the resumed run encrypts with it again); null on the evaluator.</param>
public sealed record JournalStart(Guid SessionId, byte[] State, PaillierPrivateKey? Key);

/// <summary>
/// What a host passes back (<see cref="PartySettings.Resume"/>) to resume an interrupted session: its state as
/// <see cref="JournalStart.State"/> gave it, and the result tiles the journal holds as committed, each with the
/// digest of its result block (the transcript is seeded with them). The encryptor's key goes in <see cref="PartySettings.Key"/>.
/// </summary>
public sealed record SessionResume(Guid SessionId, Hello Mine, Hello Peer, IReadOnlyDictionary<int, byte[]> Committed)
{
    /// <summary>The state bytes of a new session: its id and both hellos as the handshake agreed them.</summary>
    public static byte[] Encode(Hello mine, Hello peer)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(peer);
        var (a, b) = (HelloCodec.EncodeHello(mine), HelloCodec.EncodeHello(peer));
        var bytes = new byte[WireWriter.HeaderBytes + WireWriter.PrefixedBytes(a.Length) + WireWriter.PrefixedBytes(b.Length)];
        var w = new WireWriter(bytes);
        w.WriteBytes(a);
        w.WriteBytes(b);
        return bytes;
    }

    /// <summary>Reads state bytes written by <see cref="Encode"/>; throws <see cref="FormatException"/> on anything else.</summary>
    public static SessionResume Decode(ReadOnlySpan<byte> state, IReadOnlyDictionary<int, byte[]> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        try
        {
            var r = new WireReader(state, "journal state");
            r.ReadFormatVersion();
            var mine = HelloCodec.DecodeHello(r.ReadBytes("mine", 1, WireLimits.MaxPayloadBytes));
            var peer = HelloCodec.DecodeHello(r.ReadBytes("peer", 1, WireLimits.MaxPayloadBytes));
            r.End();
            if (mine.SessionId != peer.SessionId)
            {
                throw new FormatException("its two hellos are of different sessions");
            }

            return new SessionResume(mine.SessionId, mine, peer, committed);
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
