using System.Diagnostics;
using Duet.Actors;
using Duet.Actors.Protocol;
using Duet.Host.Files;

namespace Duet.Host.Outputs;

/// <summary>What a journaled run knows before it starts: the digests a resume compares, and the journal it resumes.</summary>
internal sealed record JournalPlan(byte[] InputDigest, byte[] SettingsDigest, JournalContents? Resumed);

/// <summary>
/// The host's side of <see cref="ISessionJournal"/> for one share file: the journal <c>&lt;output&gt;.duet-journal</c>
/// beside the partial share <c>&lt;output&gt;.duet-partial</c>. A committed tile is recorded only after the partial
/// share is flushed to disk; records are written in groups, at most every <see cref="GroupInterval"/>, so a run does
/// not wait for two disk flushes per tile (a tile not yet recorded when the run stops is computed again).
/// </summary>
internal sealed class PartyJournal(string sharePath, StreamedShareFile share, JournalPlan plan) : ISessionJournal, IDisposable
{
    private static readonly TimeSpan GroupInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock gate = new();
    private readonly List<byte[]> pending = [];
    private readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    private SessionJournalFile? file;
    private long committed = plan.Resumed?.Committed.Count ?? 0;

    public string Path { get; } = SessionJournalFile.PathFor(sharePath);

    /// <summary>True once the journal exists for this run: begun, or resumed (kept when the resume is refused, to be tried again).</summary>
    public bool Active => file is not null || plan.Resumed is not null;

    /// <summary>Tiles the journal holds as committed (those of a resumed run count from its resume point).</summary>
    public long CommittedTiles => Interlocked.Read(ref committed);

    public void Begin(JournalStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        lock (gate)
        {
            var header = new JournalHeader(plan.InputDigest, plan.SettingsDigest, System.IO.Path.GetFileName(SessionJournalFile.PartialFor(sharePath)), start.State, start.Secret);
            file = Guard(() => SessionJournalFile.Create(Path, header));
        }
    }

    public void Resumed(TileRanges skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        lock (gate)
        {
            var resumed = plan.Resumed ?? throw new InvalidOperationException("the runtime resumed a session this host did not");
            file ??= Guard(() => SessionJournalFile.Reopen(Path, resumed));
            Guard(() => file.Append([SessionJournalFile.ResumedRecord(skipped)]));
            Interlocked.Exchange(ref committed, skipped.Count);
        }
    }

    public void OperandReceived(EncryptedOperand operand) => AppendNow(SessionJournalFile.OperandRecord(operand));

    public void Committed(int tile, CommittedTile digests)
    {
        lock (gate)
        {
            pending.Add(SessionJournalFile.TileRecord(tile, digests));
            Interlocked.Increment(ref committed);
            if (sinceFlush.Elapsed >= GroupInterval)
            {
                Flush();
            }
        }
    }

    /// <summary>The tiles recorded so far go first: a resume then finds every tile this party committed before it revealed.</summary>
    public void RevealBegan() => AppendNow(SessionJournalFile.RevealRecord());

    /// <summary>Writes the tiles not yet recorded, after the partial share they are in is on disk.</summary>
    public void Flush()
    {
        lock (gate)
        {
            if (file is null || pending.Count == 0)
            {
                return;
            }

            share.FlushToDisk();
            Guard(() => file.Append(pending));
            pending.Clear();
            sinceFlush.Restart();
        }
    }

    /// <summary>Appends one record at once, after the pending tiles.</summary>
    private void AppendNow(byte[] record)
    {
        lock (gate)
        {
            var journal = file ?? throw new InvalidOperationException("the journal has not begun");
            Flush();
            Guard(() => journal.Append([record]));
        }
    }

    /// <summary>The run completed (or its partial share was consumed): the journal has no more use.</summary>
    public void Delete()
    {
        lock (gate)
        {
            pending.Clear();
            file?.Dispose();
            file = null;
            MatrixFileAccess.DeleteQuietly(Path);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            file?.Dispose();
            file = null;
        }
    }

    private T Guard<T>(Func<T> io)
    {
        try
        {
            return io();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException(Path, $"cannot write the journal: {e.Message}", innerException: e);
        }
    }

    private void Guard(Action io) => Guard(() =>
    {
        io();
        return true;
    });
}
