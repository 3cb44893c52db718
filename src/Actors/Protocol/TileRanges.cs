using System.Text;

namespace Duet.Actors.Protocol;

/// <summary>
/// A set of result tiles as ascending, disjoint, non-adjacent ranges: the tiles a resuming party committed (its hello
/// offers them) and the tiles two resuming parties skip (the intersection of both offers). Compared by value.
/// </summary>
public sealed class TileRanges : IEquatable<TileRanges>
{
    /// <summary>The most ranges a hello carries; a party with more offers only its first ones (a subset is always
    /// safe to offer: the tiles left out are computed again).</summary>
    public const int MaxRanges = 1 << 16;

    public static readonly TileRanges Empty = new([]);

    private readonly (int First, int Count)[] ranges;

    private TileRanges((int First, int Count)[] ranges)
    {
        this.ranges = ranges;
        Count = ranges.Sum(r => (long)r.Count);
    }

    public IReadOnlyList<(int First, int Count)> Ranges => ranges;

    /// <summary>Tiles in the set.</summary>
    public long Count { get; }

    /// <summary>The set of the given tile indices (any order, repeats ignored), cut to its first <see cref="MaxRanges"/> ranges.</summary>
    public static TileRanges Of(IEnumerable<int> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var list = new List<(int First, int Count)>();
        foreach (var tile in tiles.Distinct().Order())
        {
            if (list.Count > 0 && list[^1].First + list[^1].Count == tile)
            {
                list[^1] = (list[^1].First, list[^1].Count + 1);
            }
            else if (list.Count == MaxRanges)
            {
                break;
            }
            else
            {
                list.Add((tile, 1));
            }
        }

        return new([.. list]);
    }

    /// <summary>Ranges as read from the wire, or null when they are not ascending, disjoint, non-adjacent and non-negative.</summary>
    public static TileRanges? FromRanges(IReadOnlyList<(int First, int Count)> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        long end = -1;
        foreach (var (first, count) in ranges)
        {
            if (first < 0 || count < 1 || first <= end || (long)first + count > int.MaxValue)
            {
                return null;
            }

            end = (long)first + count;
        }

        return ranges.Count > MaxRanges ? null : new([.. ranges]);
    }

    /// <summary>One past the highest tile in the set (0 when empty).</summary>
    public long End => ranges.Length == 0 ? 0 : (long)ranges[^1].First + ranges[^1].Count;

    public bool Contains(int tile)
    {
        var (low, high) = (0, ranges.Length - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (tile < ranges[middle].First)
            {
                high = middle - 1;
            }
            else if (tile >= ranges[middle].First + ranges[middle].Count)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tiles in both sets.</summary>
    public TileRanges Intersect(TileRanges other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new List<(int First, int Count)>();
        var (i, j) = (0, 0);
        while (i < ranges.Length && j < other.ranges.Length)
        {
            var (a, b) = (ranges[i], other.ranges[j]);
            var first = Math.Max(a.First, b.First);
            var end = Math.Min(a.First + a.Count, b.First + b.Count);
            if (first < end)
            {
                result.Add((first, end - first));
            }

            if (a.First + a.Count < b.First + b.Count)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return new([.. result]);
    }

    /// <summary>Every tile of the set in ascending order.</summary>
    public IEnumerable<int> Tiles() => ranges.SelectMany(r => Enumerable.Range(r.First, r.Count));

    public bool Equals(TileRanges? other) => other is not null && ranges.AsSpan().SequenceEqual(other.ranges);

    public override bool Equals(object? obj) => Equals(obj as TileRanges);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var range in ranges)
        {
            hash.Add(range);
        }

        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{Count} tiles");
        foreach (var (first, count) in ranges.Take(4))
        {
            text.Append($" [{first}, {first + count})");
        }

        return ranges.Length > 4 ? text.Append(" ...").ToString() : text.ToString();
    }
}
