using System.Text.Json;
using Duet.Actors;
using Duet.Host.Configuration;

namespace Duet.Host.Tests;

/// <summary>The operator's JSON status of a party, and the rate and time left that the progress lines show.</summary>
public sealed class StatusFileTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void RowRateCountsFromTheFirstObservation()
    {
        var rate = new RowRate();
        Assert.Equal((0.0, (TimeSpan?)null), rate.Observe(TimeSpan.FromSeconds(10), 100, 1000));
        var (perSecond, left) = rate.Observe(TimeSpan.FromSeconds(12), 300, 1000);
        Assert.Equal(100.0, perSecond);
        Assert.Equal(TimeSpan.FromSeconds(7), left);
        Assert.Null(rate.Observe(TimeSpan.FromSeconds(19), 1000, 1000).Left);
    }

    [Fact]
    public async Task TheStatusFollowsTheRunAndEndsWithItsOutcome()
    {
        var path = directory.File("status.json");
        var seen = new List<PartyProgress>();
        var status = new StatusFile(path, "a");
        var progress = status.Around(new Progress(seen));

        progress.Report(new PartyProgress("receive", 3, 3));
        Assert.Equal("running", Read(path).GetProperty("state").GetString());
        progress.Report(new PartyProgress("evaluate", 10, 10) { Rows = 50, RowsDone = 50 });
        await status.Track(Task.FromResult(1));

        var done = Read(path);
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(50, done.GetProperty("rows_done").GetInt64());
        Assert.Equal(3, done.GetProperty("phases").GetProperty("receive").GetProperty("total").GetInt64());
        Assert.Equal(2, seen.Count);
        Assert.Equal(["status.json"], directory.FileNames());

        await Assert.ThrowsAsync<IOException>(() => status.Track(Task.FromException<int>(new IOException("disk full"))));
        Assert.Equal("failed", Read(path).GetProperty("state").GetString());
        Assert.Equal("disk full", Read(path).GetProperty("detail").GetString());
    }

    [Fact]
    public void AStatusFileInADirectoryThatDoesNotExistIsRefusedAtTheStart()
    {
        Assert.Throws<UsageException>(() => StatusFile.Check(directory.File("absent/status.json")));
        StatusFile.Check(directory.File("status.json"));
        StatusFile.Check(null);
    }

    private static JsonElement Read(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();

    private sealed class Progress(List<PartyProgress> seen) : IProgress<PartyProgress>
    {
        public void Report(PartyProgress value) => seen.Add(value);
    }
}
