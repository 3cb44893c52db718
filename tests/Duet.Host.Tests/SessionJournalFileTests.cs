using Duet.Actors.Protocol;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary>The journal's codec: what is written reads back; a torn last record is ignored (and cut before appending);
/// a damaged record, a missing header or another file is refused; a resume record drops the tiles outside it.</summary>
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
        Assert.Equal((header.PartialName, header.KeyJson), (contents.Header.PartialName, contents.Header.KeyJson));
        Assert.Equal(header.State, contents.Header.State);
        Assert.Equal([3, 5], contents.Committed.Keys.Order());
        Assert.Equal(Digest(0x55), contents.Committed[5]);
        Assert.Equal(new FileInfo(path).Length, contents.IntactLength);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(48)]
    public void A_torn_last_record_is_ignored_and_cut_before_appending(int cut)
    {
        var path = Write(out _, (1, 1), (2, 2));
        var whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^cut]);

        var contents = SessionJournalFile.Read(File.ReadAllBytes(path));
        Assert.Equal([1], contents.Committed.Keys);
        using (var reopened = SessionJournalFile.Reopen(path, contents))
        {
            reopened.Append([SessionJournalFile.TileRecord(7, Digest(7))]);
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
        bytes[^60] ^= 0xFF; // inside tile 1's record (each tile record is 49 bytes)

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
            journal.Append([SessionJournalFile.ResumedRecord(TileRanges.Of([1, 2, 9])), SessionJournalFile.TileRecord(3, Digest(0x30))]);
        }

        var after = SessionJournalFile.Read(File.ReadAllBytes(path));
        Assert.Equal([1, 2, 3, 9], after.Committed.Keys.Order());
        Assert.Equal(Digest(0x30), after.Committed[3]);

        using (var journal = SessionJournalFile.Reopen(path, after))
        {
            journal.Append([SessionJournalFile.ResumedRecord(TileRanges.Of([2, 3]))]);
        }

        Assert.Equal([2, 3], SessionJournalFile.Read(File.ReadAllBytes(path)).Committed.Keys.Order());
    }

    private string Write(out JournalHeader header, params (int Tile, byte Digest)[] tiles)
    {
        var path = directory.File("share.npy.duet-journal");
        header = new JournalHeader(Digest(0xA1), Digest(0xB2), "share.npy.duet-partial", [1, 2, 3, 4], "{\"secret\": true}");
        using var journal = SessionJournalFile.Create(path, header);
        journal.Append(tiles.Select(t => SessionJournalFile.TileRecord(t.Tile, Digest(t.Digest))));
        return path;
    }

    private static byte[] Digest(byte fill) => Enumerable.Repeat(fill, 32).ToArray();
}
