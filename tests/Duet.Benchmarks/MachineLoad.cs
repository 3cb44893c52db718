using System.Diagnostics;
using System.Globalization;

namespace Duet.Benchmarks;

/// <summary>
/// How much CPU other processes used while a measurement ran (Linux /proc/stat minus this process and the children
/// it waited for, such as openssl), in cores on average: the benchmarks run on shared machines and their numbers
/// must say how shared.
/// </summary>
internal sealed class MachineLoad
{
    // USER_HZ is 100 on every Linux build that .NET supports.
    private const double TicksPerSecond = 100;

    private readonly long startBusyTicks;
    private readonly long startOwnTicks;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private MachineLoad(long busyTicks, long ownTicks)
    {
        startBusyTicks = busyTicks;
        startOwnTicks = ownTicks;
    }

    public static MachineLoad Start() => new(BusyTicks(), OwnTicks());

    /// <summary>Average cores used by other processes since <see cref="Start"/>, or null where /proc/stat is missing.</summary>
    public double? OtherCores()
    {
        var busy = BusyTicks();
        var own = OwnTicks();
        if (busy < 0 || own < 0 || startBusyTicks < 0 || startOwnTicks < 0)
        {
            return null;
        }

        var others = (busy - startBusyTicks - (own - startOwnTicks)) / TicksPerSecond;
        return Math.Max(0, others / clock.Elapsed.TotalSeconds);
    }

    /// <summary>CPU seconds this process (and the children it waited for) used since <see cref="Start"/>: unlike wall time, barely moved by other processes.</summary>
    public double? OwnCpuSeconds()
    {
        var own = OwnTicks();
        return own < 0 || startOwnTicks < 0 ? null : (own - startOwnTicks) / TicksPerSecond;
    }

    /// <summary>CPU seconds (user + system) a running process has used so far, or null once it is gone.</summary>
    public static double? CpuSeconds(int processId)
    {
        var ticks = ProcessTicks($"/proc/{processId}/stat", withChildren: false);
        return ticks < 0 ? null : ticks / TicksPerSecond;
    }

    /// <summary>utime + stime + cutime + cstime of this process from /proc/self/stat.</summary>
    private static long OwnTicks() => ProcessTicks("/proc/self/stat", withChildren: true);

    /// <summary>utime + stime, and with <paramref name="withChildren"/> cutime + cstime, from a /proc/PID/stat file.</summary>
    private static long ProcessTicks(string statPath, bool withChildren)
    {
        var fields = ReadFirstLine(statPath);
        var end = fields?.LastIndexOf(')') ?? -1;
        if (fields is null || end < 0)
        {
            return -1;
        }

        // Fields after the command name start at field 3 (state); utime is field 14.
        var rest = fields[(end + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var count = withChildren ? 4 : 2;
        return rest.Length < 11 + count ? -1 : rest[11..(11 + count)].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
    }

    /// <summary>Non-idle jiffies of all CPUs: user, nice, system, irq, softirq, steal.</summary>
    private static long BusyTicks()
    {
        var fields = ReadFirstLine("/proc/stat")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 9 || fields[0] != "cpu")
        {
            return -1;
        }

        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return reader.ReadLine();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
