using System.Diagnostics;

namespace Duet.Benchmarks;

/// <summary>The best and the median rate of one operation over several rounds, in operations per second.</summary>
internal sealed record Rate(double Best, double Median);

/// <summary>
/// Single-threaded operations per second. Every operation is warmed up, then all are timed in interleaved rounds
/// so that a burst of load from another process hits one round of each rather than all of one; the best round is
/// the machine's capacity, the median shows how steady it was.
/// </summary>
internal static class Throughput
{
    public const int Rounds = 5;

    /// <summary>Times every operation in each round; <paramref name="afterRound"/> runs between rounds (an outside reference).</summary>
    public static Dictionary<string, Rate> Measure(IReadOnlyList<(string Name, Action<int> Operation)> operations, double secondsPerOperation, Action<int>? afterRound = null)
    {
        ArgumentNullException.ThrowIfNull(operations);

        // Warm-up: JIT, tables and caches, for a tenth of the time and at least three calls each.
        foreach (var (_, operation) in operations)
        {
            Run(operation, secondsPerOperation / 10);
        }

        var rates = operations.ToDictionary(o => o.Name, _ => new List<double>(), StringComparer.Ordinal);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, operation) in operations)
            {
                rates[name].Add(Run(operation, secondsPerOperation / Rounds));
            }

            afterRound?.Invoke(round);
        }

        return rates.ToDictionary(r => r.Key, r => new Rate(r.Value.Max(), Median(r.Value)), StringComparer.Ordinal);
    }

    private static double Run(Action<int> operation, double seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (clock.Elapsed < budget || done < 3)
        {
            operation(done++);
        }

        return done / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
