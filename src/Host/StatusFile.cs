using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duet.Actors;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Host;

/// <summary>
/// <c>duet party --status-file FILE</c>: a small JSON status for an operator's monitoring (state, phase, tiles and
/// rows done, rate, time left), replaced atomically (written beside the file and renamed) at most once a second,
/// at each phase's end and when the run ends. A status that cannot be written never stops the run.
/// </summary>
internal sealed class StatusFile
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string? path;
    private readonly string party;
    private readonly Lock gate = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, PartyProgress> phases = [];
    private readonly RowRate rowRate = new();
    private PartyProgress? rows;
    private TimeSpan lastWrite = -Interval;

    /// <param name="path">The status file; null for none (every call is then a no-op).</param>
    public StatusFile(string? path, string party)
    {
        (this.path, this.party) = (path, party);
        Write("starting", null);
    }

    /// <summary>What went wrong writing the status (the run goes on); null while it writes.</summary>
    public string? Problem { get; private set; }

    /// <summary>Fails before any work when the status file's directory cannot be written.</summary>
    public static void Check(string? path)
    {
        if (path is null)
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory) || Directory.Exists(path))
        {
            throw new UsageException($"--status-file {path}: not a file in an existing directory");
        }

        MatrixFileAccess.ProbeWritable(directory, problem => new UsageException($"--status-file {path}: cannot write in directory '{directory}' ({problem})"));
    }

    /// <summary>The party's progress events, shown by <paramref name="display"/> and kept in the status file.</summary>
    public IProgress<PartyProgress> Around(IProgress<PartyProgress> display) => path is null ? display : new Both(display, this);

    /// <summary>The run's outcome in the status: succeeded, or failed with the error's one line.</summary>
    public async Task<T> Track<T>(Task<T> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            var result = await run.ConfigureAwait(false);
            Write("succeeded", null);
            return result;
        }
        catch (Exception error)
        {
            Write("failed", error.Message);
            throw;
        }
    }

    private void Report(PartyProgress progress)
    {
        lock (gate)
        {
            phases[progress.Phase] = progress;
            rows = progress.Rows > 0 ? progress : rows;
            if (clock.Elapsed - lastWrite >= Interval || progress.Done >= progress.Total)
            {
                Write("running", null);
            }
        }
    }

    private void Write(string state, string? detail)
    {
        if (path is null)
        {
            return;
        }

        lock (gate)
        {
            var now = clock.Elapsed;
            lastWrite = now;
            var (perSecond, left) = rows is { } r ? rowRate.Observe(now, r.RowsDone, r.Rows) : (0, null);
            var status = new JsonObject
            {
                ["party"] = party,
                ["state"] = state,
                ["updated"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["elapsed_s"] = Math.Round(now.TotalSeconds, 1),
                ["phases"] = new JsonObject(phases.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["done"] = p.Value.Done, ["total"] = p.Value.Total }))),
                ["rows_done"] = rows?.RowsDone,
                ["rows"] = rows?.Rows,
                ["rows_per_s"] = rows is null ? null : Math.Round(perSecond, 1),
                ["eta_s"] = left is { } l ? Math.Round(l.TotalSeconds) : null,
                ["detail"] = detail,
            };
            try
            {
                MatrixFileAccess.WriteAtomically(path, stream => JsonSerializer.Serialize(stream, status, Json));
            }
            catch (MatrixFileException error)
            {
                Problem ??= error.Message;
            }
        }
    }

    private sealed class Both(IProgress<PartyProgress> display, StatusFile status) : IProgress<PartyProgress>
    {
        public void Report(PartyProgress value)
        {
            display.Report(value);
            status.Report(value);
        }
    }
}
