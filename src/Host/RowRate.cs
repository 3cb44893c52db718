namespace Duet.Host;

/// <summary>Result rows per second since the first event that counted rows, and the time left at that rate.</summary>
internal sealed class RowRate
{
    private (TimeSpan At, long RowsDone)? first;

    /// <summary>Records an observation; returns the rate (0 until rows have advanced) and the time left, if known.</summary>
    public (double PerSecond, TimeSpan? Left) Observe(TimeSpan now, long rowsDone, long rows)
    {
        first ??= (now, rowsDone);
        var seconds = (now - first.Value.At).TotalSeconds;
        var rate = seconds > 0 ? (rowsDone - first.Value.RowsDone) / seconds : 0;
        return (rate, rate > 0 && rowsDone < rows ? TimeSpan.FromSeconds((rows - rowsDone) / rate) : null);
    }
}
