using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Duet.Crypto;

/// <summary>
/// CPU seconds the calling thread has used (Linux: clock_gettime with CLOCK_THREAD_CPUTIME_ID); elsewhere a monotonic
/// clock, which counts waiting too. For attributing a party's CPU to its kernels.
/// </summary>
public static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    private static readonly bool Available = OperatingSystem.IsLinux() && Probe();

    /// <summary>True when the figures are the thread's CPU time rather than elapsed time.</summary>
    public static bool IsCpuTime => Available;

    public static double Seconds()
    {
        if (Available && ClockGetTime(ClockThreadCpuTime, out var value) == 0)
        {
            return value.Seconds + (value.Nanoseconds * 1e-9);
        }

        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTime, out _) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec value);
}

/// <summary>
/// CPU seconds of the evaluator's tiles, split into the homomorphic products (Paillier's multi-exponentiation with its
/// re-randomisers; BFV's encoding, transforms and products) and the rest (masks, replies); added to from many threads.
/// </summary>
public sealed class KernelCpu
{
    private long productsTicks;
    private long finishingTicks;

    public double Products => Interlocked.Read(ref productsTicks) / (double)TimeSpan.TicksPerSecond;

    public double Finishing => Interlocked.Read(ref finishingTicks) / (double)TimeSpan.TicksPerSecond;

    public void Add(double products, double finishing)
    {
        Interlocked.Add(ref productsTicks, (long)(products * TimeSpan.TicksPerSecond));
        Interlocked.Add(ref finishingTicks, (long)(finishing * TimeSpan.TicksPerSecond));
    }
}
