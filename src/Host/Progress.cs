using System.Diagnostics;
using Duet.Actors;
using Duet.Host.Commands;
using Duet.Host.Outputs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Duet.Host;

/// <summary>
/// The runtime's progress events on stderr: a live bar per party and phase with throughput and time left when stderr
/// is a terminal, plain lines at most every two seconds otherwise. Events arrive on actor threads.
/// </summary>
internal abstract class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with progress shown on the console's error writer.</summary>
    public static async Task<T> RunAsync<T>(CommandConsole console, Func<ProgressDisplay, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        if (!console.LiveProgress)
        {
            return await work(new PlainLines(console.Error)).ConfigureAwait(false);
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        return await terminal.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ThroughputColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new LiveBars(context)))
            .ConfigureAwait(false);
    }

    /// <summary>The sink for one party's events, labelled with its name.</summary>
    public IProgress<PartyProgress> For(string party) => new PartyEvents(this, party);

    protected abstract void Report(string party, PartyProgress progress);

    private sealed class PartyEvents(ProgressDisplay display, string party) : IProgress<PartyProgress>
    {
        public void Report(PartyProgress value) => display.Report(party, value);
    }

    private sealed class LiveBars(ProgressContext context) : ProgressDisplay
    {
        private readonly Lock gate = new();

        // Phases of one party interleave (the evaluator receives and evaluates at once): one bar per party and phase.
        private readonly Dictionary<(string Party, string Phase), ProgressTask> bars = [];

        protected override void Report(string party, PartyProgress progress)
        {
            lock (gate)
            {
                var total = Math.Max(1, progress.Total);
                if (!bars.TryGetValue((party, progress.Phase), out var bar))
                {
                    bar = context.AddTask($"{party} {progress.Phase} ({Unit(progress.Phase)})", autoStart: true, maxValue: total);
                    bars[(party, progress.Phase)] = bar;
                }

                bar.MaxValue = total;
                bar.Value = Math.Min(progress.Done, total);
                if (progress.Rows > 0)
                {
                    bar.Description = Units.Invariant($"{party} {progress.Phase} ({Unit(progress.Phase)}), {progress.RowsDone}/{progress.Rows} rows");
                }
            }
        }
    }

    /// <summary>What a phase counts: the encryptor sends its operand in blocks, results come back tile by tile.</summary>
    internal static string Unit(string phase) => phase is "encrypt" or "receive" ? "blocks" : "tiles";

    private sealed class ThroughputColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double speed and > 0 ? Units.Invariant($"{speed:0.#}/s") : string.Empty, new Style(Color.Grey));
    }

    private sealed class PlainLines(TextWriter error) : ProgressDisplay
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
        private readonly Lock gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Dictionary<(string Party, string Phase), (TimeSpan At, long Done)> starts = [];
        private readonly Dictionary<(string Party, string Phase), RowRate> rowRates = [];
        private readonly HashSet<(string Party, string Phase)> completed = [];
        private TimeSpan lastLine = -Interval;

        protected override void Report(string party, PartyProgress progress)
        {
            lock (gate)
            {
                var now = clock.Elapsed;
                if (!starts.TryGetValue((party, progress.Phase), out var start))
                {
                    start = (now, progress.Done);
                    starts[(party, progress.Phase)] = start;
                }

                // A phase's last event is always shown, so every phase is seen to reach 100 %, however short.
                var finished = progress.Total > 0 && progress.Done >= progress.Total;
                if ((now - lastLine < Interval && !finished) || (finished && !completed.Add((party, progress.Phase))))
                {
                    return;
                }

                lastLine = now;
                var percent = progress.Total > 0 ? 100.0 * progress.Done / progress.Total : 100.0;
                var seconds = (now - start.At).TotalSeconds;
                var rate = seconds > 0 ? (progress.Done - start.Done) / seconds : 0;
                var unit = Unit(progress.Phase);
                var line = Units.Invariant($"[{party}] {progress.Phase} {progress.Done}/{progress.Total} {unit} ({percent:0}%)");
                if (progress.Rows > 0)
                {
                    line += Units.Invariant($", {progress.RowsDone}/{progress.Rows} rows");
                    var rows = rowRates.TryGetValue((party, progress.Phase), out var known) ? known : rowRates[(party, progress.Phase)] = new RowRate();
                    if (rows.Observe(now, progress.RowsDone, progress.Rows) is { Left: { } left } rowRate)
                    {
                        line += Units.Invariant($", {rowRate.PerSecond:0.#} rows/s, about {Units.Duration(left)} left");
                    }
                }
                else if (rate > 0 && progress.Done < progress.Total)
                {
                    line += Units.Invariant($", {rate:0.#} {unit}/s, about {Units.Duration(TimeSpan.FromSeconds((progress.Total - progress.Done) / rate))} left");
                }

                error.WriteLine(line);
            }
        }
    }
}
