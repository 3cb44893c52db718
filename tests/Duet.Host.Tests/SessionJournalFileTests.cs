using Duet.Actors;
using Duet.Actors.Protocol;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>The journal's codec: what is written reads back; a torn last record is ignored (and cut before appending);
/// a damaged record (its checksum, or a length its kind cannot have), a missing header, an earlier format or another
/// file is refused; a resume record drops the tiles outside it and keeps the operand and the reveal mark.</summary>
public sealed class SessionJournalFileTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void A_journal_reads_back_its_header_and_committed_tiles()
    {
        var path = Write(out var header, (3, 0x33), (5, 0x55));

        var contents = SessionJournalFile.Read(File.ReadAllBytes(path));

        Assert.Equal(header.InputDigest, contents.Header.InputDigest);
        Assert.Equal(header.SettingsDigest, contents.Header.SettingsDigest);
        Assert.Equal(header.PartialName, contents.Header.PartialName);
        Assert.Equal(header.Secret, contents.Header.Secret);
        Assert.Equal(header.State, contents.Header.State);
        Assert.Equal([3, 5], contents.Committed.Keys.Order());
        AssertTile(Tile(0x55), contents.Committed[5]);
        Assert.Null(contents.Operand);
        Assert.False(contents.RevealBegan);
        Assert.Equal(new FileInfo(path).Length, contents.IntactLength);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(77)]
    [InlineData(80)]
    public void A_torn_last_record_is_ignored_and_cut_before_appending(int cut)
    {
        var path = Write(out _, (1, 1), (2, 2));
        var whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^cut]);

        var contents = SessionJournalFile.Read(File.ReadAllBytes(path));
        Assert.Equal([1], contents.Committed.Keys);
        using (var reopened = SessionJournalFile.Reopen(path, contents))
        {
            reopened.Append([SessionJournalFile.TileRecord(7, Tile(7))]);
        }

        Assert.Equal([1, 7], SessionJournalFile.Read(File.ReadAllBytes(path)).Committed.Keys.Order());
    }

    [Fact]
    public void A_last_record_of_full_length_with_a_wrong_checksum_is_torn_too()
    {
        var path = Write(out _, (1, 1), (2, 2));
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;

        Assert.Equal([1], SessionJournalFile.Read(bytes).Committed.Keys);
    }

    [Fact]
    public void A_damaged_record_before_the_last_is_refused()
    {
        var path = Write(out _, (1, 1), (2, 2));
        var bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0xFF; // inside tile 1's record (each tile record is 81 bytes)

        var error = Assert.Throws<FormatException>(() => SessionJournalFile.Read(bytes));
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_without_its_whole_header_or_another_file_is_refused()
    {
        var path = Write(out _);
        var bytes = File.ReadAllBytes(path);

        Assert.Contains("header is missing", Assert.Throws<FormatException>(() => SessionJournalFile.Read(bytes[..^3])).Message, StringComparison.Ordinal);
        Assert.Contains("not a Duet journal", Assert.Throws<FormatException>(() => SessionJournalFile.Read("{\"format\": 1}"u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resume_record_keeps_only_the_tiles_it_names_and_later_ones_count_again()
    {
        var path = Write(out _, (1, 1), (2, 2), (3, 3), (9, 9));
        var contents = SessionJournalFile.Read(File.ReadAllBytes(path));
        using (var journal = SessionJournalFile.Reopen(path, contents))
        {
            journal.Append([SessionJournalFile.ResumedRecord(TileRanges.Of([1, 2, 9])), SessionJournalFile.TileRecord(3, Tile(0x30))]);
        }

        var after = SessionJournalFile.Read(File.ReadAllBytes(path));
        Assert.Equal([1, 2, 3, 9], after.Committed.Keys.Order());
        AssertTile(Tile(0x30), after.Committed[3]);

        using (var journal = SessionJournalFile.Reopen(path, after))
        {
            journal.Append([SessionJournalFile.ResumedRecord(TileRanges.Of([2, 3]))]);
        }

        Assert.Equal([2, 3], SessionJournalFile.Read(File.ReadAllBytes(path)).Committed.Keys.Order());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(67)]
    [InlineData(1000)]
    public void A_length_error_in_a_record_before_the_last_is_damage_not_a_torn_tail(int length)
    {
        var path = Write(out _, (1, 1), (2, 2));
        var bytes = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 162), length); // tile 1's record

        var error = Assert.Throws<FormatException>(() => SessionJournalFile.Read(bytes));
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operand_and_the_reveal_mark_read_back_and_outlive_a_resume_record()
    {
        var path = Write(out _, (1, 1));
        var operand = new EncryptedOperand(Digest(0xC0), [Digest(1), Digest(2), Digest(3)]);
        using (var journal = SessionJournalFile.Reopen(path, SessionJournalFile.Read(File.ReadAllBytes(path))))
        {
            journal.Append([SessionJournalFile.OperandRecord(operand), SessionJournalFile.TileRecord(2, Tile(2)), SessionJournalFile.RevealRecord(), SessionJournalFile.ResumedRecord(TileRanges.Of([1, 2]))]);
        }

        var contents = SessionJournalFile.Read(File.ReadAllBytes(path));
        Assert.NotNull(contents.Operand);
        var read = EncryptedOperand.Decode(contents.Operand);
        Assert.Equal(operand.KeyDigest, read.KeyDigest);
        Assert.Equal(operand.Blocks, read.Blocks);
        Assert.True(contents.RevealBegan);
        Assert.Equal([1, 2], contents.Committed.Keys.Order());

        using (var journal = SessionJournalFile.Reopen(path, contents))
        {
            journal.Append([SessionJournalFile.OperandRecord(operand)]);
        }

        Assert.Contains("out of place", Assert.Throws<FormatException>(() => SessionJournalFile.Read(File.ReadAllBytes(path))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_of_the_earlier_format_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => SessionJournalFile.Read("duet-journal 1\n\0\0\0\0"u8));
        Assert.Contains("earlier version", error.Message, StringComparison.Ordinal);
    }

    private static void AssertTile(CommittedTile expected, CommittedTile actual)
    {
        Assert.Equal(expected.Result, actual.Result);
        Assert.Equal(expected.Band, actual.Band);
    }

    private string Write(out JournalHeader header, params (int Tile, byte Digest)[] tiles)
    {
        var path = directory.File("share.npy.duet-journal");
        header = new JournalHeader(Digest(0xA1), Digest(0xB2), "share.npy.duet-partial", [1, 2, 3, 4], "{\"secret\": true}"u8.ToArray());
        using var journal = SessionJournalFile.Create(path, header);
        journal.Append(tiles.Select(t => SessionJournalFile.TileRecord(t.Tile, Tile(t.Digest))));
        return path;
    }

    private static byte[] Digest(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private static CommittedTile Tile(byte fill) => new(Digest(fill), Digest((byte)~fill));
}
