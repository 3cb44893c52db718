using Akka.Event;

namespace Duet.Actors.Transport;

/// <summary>At most one warning per period (with a count of those left out), for lines anyone on the network can cause.</summary>
internal sealed class Throttle(TimeSpan period)
{
    private readonly Lock gate = new();
    private DateTime next = DateTime.MinValue;
    private int suppressed;

    public void Warn(ILoggingAdapter log, string line)
    {
        if (Pass(out var leftOut))
        {
            log.Warning(leftOut == 0 ? line : $"{line} ({leftOut} more such lines left out in the last {period.TotalSeconds:0} s)");
        }
    }

    /// <summary>True when a line may be written now; <paramref name="leftOut"/> counts those held back since the last.</summary>
    public bool Pass(out int leftOut)
    {
        lock (gate)
        {
            var now = DateTime.UtcNow;
            if (now < next)
            {
                suppressed++;
                leftOut = 0;
                return false;
            }

            (leftOut, next, suppressed) = (suppressed, now + period, 0);
            return true;
        }
    }
}
