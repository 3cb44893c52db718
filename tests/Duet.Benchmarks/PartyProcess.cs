using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Duet.Benchmarks;

/// <summary>
/// One `duet party` child process: its output lines, when each progress phase was first and last reported on stderr
/// (seconds from the shared launch clock), and its peak resident memory and CPU time, sampled from /proc while it runs
/// (a process's VmHWM is gone once it exits, so the last sample before exit is what counts).
/// </summary>
internal sealed partial class PartyProcess : IDisposable
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process process;
    private readonly Stopwatch clock;
    private readonly Lock gate = new();
    private readonly List<string> output = [];
    private readonly List<string> errors = [];
    private readonly Dictionary<string, (double First, double Last)> phases = [];
    private readonly Task sampling;

    private PartyProcess(string name, Process process, Stopwatch clock)
    {
        Name = name;
        this.process = process;
        this.clock = clock;
        process.OutputDataReceived += (_, e) => Add(output, e.Data, trackPhases: false);
        process.ErrorDataReceived += (_, e) => Add(errors, e.Data, trackPhases: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        sampling = Task.Run(SampleUntilExitAsync);
    }

    public string Name { get; }

    /// <summary>Resident bytes (VmRSS) and open file descriptors now; null once it has exited.</summary>
    public (long ResidentBytes, int OpenFiles)? Footprint()
    {
        try
        {
            var rss = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = long.Parse(rss.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (kilobytes * 1024, Directory.GetFiles($"/proc/{process.Id}/fd").Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Open file descriptors by kind (socket, pipe, anon_inode:[eventpoll], or the file's path); empty once it has exited.</summary>
    public IReadOnlyDictionary<string, int> OpenFileKinds()
    {
        try
        {
            return Directory.GetFiles($"/proc/{process.Id}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget ?? "?")
                .GroupBy(target => target.StartsWith("socket:", StringComparison.Ordinal) ? "socket" : target.StartsWith("pipe:", StringComparison.Ordinal) ? "pipe" : target)
                .ToDictionary(g => g.Key, g => g.Count());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, int>();
        }
    }

    /// <summary>User + system CPU seconds now (the last sample once it has exited).</summary>
    public double CpuSecondsNow => MachineLoad.CpuSeconds(process.Id) ?? CpuSeconds;

    /// <summary>The largest VmHWM (or VmRSS) seen, in bytes.</summary>
    public long PeakResidentBytes { get; private set; }

    /// <summary>User + system CPU seconds at the last sample before exit (at most one sample interval short).</summary>
    public double CpuSeconds { get; private set; }

    public IReadOnlyList<string> Output => Snapshot(output);

    public IReadOnlyList<string> Errors => Snapshot(errors);

    public IReadOnlyDictionary<string, (double First, double Last)> Phases
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, (double, double)>(phases);
            }
        }
    }

    public static PartyProcess Start(string name, string fileName, IEnumerable<string> arguments, Stopwatch clock)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new PartyProcess(name, new Process { StartInfo = info }, clock);
    }

    /// <summary>Waits for exit and for the last output line; returns the exit code.</summary>
    public async Task<int> WaitAsync()
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        return process.ExitCode;
    }

    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
    }

    public void Dispose() => process.Dispose();

    private async Task SampleUntilExitAsync()
    {
        while (!process.HasExited)
        {
            Sample();
            await Task.Delay(SampleInterval).ConfigureAwait(false);
        }
    }

    private void Sample()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal) || line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    // "VmHWM:\t  123456 kB"
                    var kilobytes = long.Parse(line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    PeakResidentBytes = Math.Max(PeakResidentBytes, kilobytes * 1024);
                }
            }
        }
        catch (IOException)
        {
            // The process exited between the check and the read.
        }

        CpuSeconds = MachineLoad.CpuSeconds(process.Id) ?? CpuSeconds;
    }

    private void Add(List<string> lines, string? line, bool trackPhases)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            lines.Add(line);
            var progress = ProgressLine().Match(line);
            if (trackPhases && progress.Success)
            {
                var now = clock.Elapsed.TotalSeconds;
                var phase = progress.Groups["phase"].Value;
                phases[phase] = phases.TryGetValue(phase, out var seen) ? (seen.First, now) : (now, now);
            }
        }
    }

    private List<string> Snapshot(List<string> lines)
    {
        lock (gate)
        {
            return [.. lines];
        }
    }

    /// <summary>A plain progress line of `duet party` on stderr: "[a] evaluate 3/12 (25%), ...".</summary>
    [GeneratedRegex(@"^\[[^\]]+\] (?<phase>\w+) \d+/\d+ ")]
    private static partial Regex ProgressLine();
}
