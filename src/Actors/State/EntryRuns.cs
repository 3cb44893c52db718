namespace Duet.Actors.State;

/// <summary>Which entries of a share have arrived, as sorted, disjoint, merged runs [Start, End): one run while the
/// peer sends in order, as an honest peer does; no memory per entry.</summary>
internal sealed class EntryRuns
{
    private readonly List<(long Start, long End)> runs = [];

    /// <summary>Entries covered.</summary>
    public long Covered { get; private set; }

    /// <summary>The parts of [start, end) already covered, in order.</summary>
    public IEnumerable<(long Start, long End)> Overlaps(long start, long end)
    {
        for (var i = FirstEndingAfter(start); i < runs.Count && runs[i].Start < end; i++)
        {
            yield return (Math.Max(runs[i].Start, start), Math.Min(runs[i].End, end));
        }
    }

    /// <summary>The parts of [start, end) not yet covered, in order.</summary>
    public IEnumerable<(long Start, long End)> Gaps(long start, long end)
    {
        var next = start;
        foreach (var (overlapStart, overlapEnd) in Overlaps(start, end).ToList())
        {
            if (overlapStart > next)
            {
                yield return (next, overlapStart);
            }

            next = overlapEnd;
        }

        if (next < end)
        {
            yield return (next, end);
        }
    }

    /// <summary>Covers [start, end), merging the runs it touches.</summary>
    public void Add(long start, long end)
    {
        var first = FirstEndingAfter(start - 1);
        var last = first;
        var (mergedStart, mergedEnd) = (start, end);
        while (last < runs.Count && runs[last].Start <= end)
        {
            (mergedStart, mergedEnd) = (Math.Min(mergedStart, runs[last].Start), Math.Max(mergedEnd, runs[last].End));
            Covered -= runs[last].End - runs[last].Start;
            last++;
        }

        runs.RemoveRange(first, last - first);
        runs.Insert(first, (mergedStart, mergedEnd));
        Covered += mergedEnd - mergedStart;
    }

    /// <summary>The end of the run that covers <paramref name="entry"/>, or the entry itself when none does.</summary>
    public long EndFrom(long entry)
    {
        var i = FirstEndingAfter(entry);
        return i < runs.Count && runs[i].Start <= entry ? runs[i].End : entry;
    }

    /// <summary>Index of the first run whose end is above <paramref name="entry"/>.</summary>
    private int FirstEndingAfter(long entry)
    {
        var (low, high) = (0, runs.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = runs[middle].End > entry ? (low, middle) : (middle + 1, high);
        }

        return low;
    }
}
