using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>Resume in the handshake: the committed tiles travel in the hello (protocol 4) as ranges; both parties
/// resume or neither, and they skip the intersection of what each committed; a journal's state reads back.</summary>
public sealed class ResumeHandshakeTests
{
    [Fact]
    public void Tile_ranges_merge_neighbours_and_intersect()
    {
        var mine = TileRanges.Of([5, 0, 1, 2, 7, 8, 2]);
        Assert.Equal([(0, 3), (5, 1), (7, 2)], mine.Ranges);
        Assert.Equal(6, mine.Count);
        Assert.True(mine.Contains(8) && mine.Contains(0) && !mine.Contains(3) && !mine.Contains(9));

        var theirs = TileRanges.Of([1, 2, 3, 4, 5, 6, 7]);
        Assert.Equal([1, 2, 5, 7], mine.Intersect(theirs).Tiles());
        Assert.Equal(mine.Intersect(theirs), theirs.Intersect(mine));
        Assert.Null(TileRanges.FromRanges([(0, 3), (3, 1)]));
        Assert.Null(TileRanges.FromRanges([(4, 1), (0, 2)]));
    }

    [Fact]
    public void A_hello_carries_its_resumed_tiles_and_a_new_session_none()
    {
        var fresh = WireSamples.Hello() with { ProtocolVersion = 4 };
        var resumed = fresh with { Resume = TileRanges.Of([0, 1, 2, 10, 11]) };

        Assert.Equal(fresh, DuetSerializer.Decode(DuetSerializer.Encode(fresh), "HE"));
        Assert.Equal(resumed, DuetSerializer.Decode(DuetSerializer.Encode(resumed), "HE"));
        Assert.Equal(DuetSerializer.Encode(fresh).Length + 4 + (2 * 8), DuetSerializer.Encode(resumed).Length);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(resumed with { ProtocolVersion = 3 }));

        // Ranges that overlap are refused on decode.
        var bytes = DuetSerializer.Encode(resumed);
        bytes[^8] = 0; // the second range now starts at tile 0
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE"));
    }

    [Fact]
    public void Both_parties_resume_or_neither_and_they_skip_what_both_committed()
    {
        var (left, right) = Hellos();
        var agreed = Handshake.Agree(left with { Resume = TileRanges.Of([0, 1, 2, 3]) }, right with { Resume = TileRanges.Of([1, 2, 3, 4, 5]) }, 4, TwoParties.TestLimits, 0);
        Assert.Equal([1, 2, 3], agreed.Skipped.Tiles());
        Assert.Equal(0, Handshake.Agree(left, right, 4, TwoParties.TestLimits, 0).Skipped.Count);

        var mixed = Assert.Throws<HandshakeException>(() => Handshake.Agree(left, right with { Resume = TileRanges.Empty }, 4, TwoParties.TestLimits, 0));
        Assert.Contains("b resumes an interrupted session and a starts a new one", mixed.Message, StringComparison.Ordinal);

        var tiles = agreed.Plan.Tiles;
        var beyond = Assert.Throws<HandshakeException>(() => Handshake.Agree(left with { Resume = TileRanges.Of([tiles]) }, right with { Resume = TileRanges.Empty }, 4, TwoParties.TestLimits, 0));
        Assert.Equal(AbortReason.PlanMismatch, beyond.Reason);
    }

    [Fact]
    public void A_journals_state_reads_back_and_anything_else_is_a_format_error()
    {
        var (left, right) = Hellos();
        var committed = new Dictionary<int, CommittedTile> { [4] = new(new byte[32], new byte[32]) };

        var state = SessionResume.Decode(SessionResume.Encode(left, right), committed);

        Assert.Equal((left.SessionId, left, right), (state.SessionId, state.Mine, state.Peer));
        Assert.Equal(TileRanges.Of([4]), state.Offer());
        Assert.Empty(state.Seed);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), SessionResume.Decode(SessionResume.Encode(left, right, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), committed).Seed);
        Assert.Throws<FormatException>(() => SessionResume.Decode(SessionResume.Encode(left, right, new byte[31]), committed));
        Assert.Throws<FormatException>(() => SessionResume.Decode(new byte[] { 1, 2, 3 }, committed));
        Assert.Throws<FormatException>(() => SessionResume.Decode(SessionResume.Encode(left, right with { SessionId = Guid.NewGuid() }), committed));
    }

    private static (Hello Left, Hello Right) Hellos()
    {
        var id = SessionIds.NewRandom();
        return (new Hello(id, 4, OperandSide.Left, 1000, 6, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "a"),
            new Hello(id, 4, OperandSide.Right, 6, 2, 16, 0, ShareDomain.Ring64, Reveal.None, 1024, 40, RolePreference.Auto, "b"));
    }
}
