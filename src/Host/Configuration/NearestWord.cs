namespace Duet.Host.Configuration;

/// <summary>The known word a misspelt one most likely meant: a configuration key, a command, an option.</summary>
internal static class NearestWord
{
    /// <summary>The candidate fewest edits away from <paramref name="word"/> (the first of equals).</summary>
    public static string Of(string word, IEnumerable<string> candidates) => candidates.MinBy(c => Distance(c, word))!;

    /// <summary>The nearest candidate when it is close enough to be a slip of the fingers (two edits, or a third of the
    /// word), else null.</summary>
    public static string? Close(string word, IEnumerable<string> candidates)
    {
        var nearest = candidates.MinBy(c => Distance(c, word));
        return nearest is not null && Distance(nearest, word) <= Math.Max(2, word.Length / 3) ? nearest : null;
    }

    /// <summary>Levenshtein distance: edits from one word to the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
