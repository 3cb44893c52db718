using System.Diagnostics;
using Duet.Links;

namespace Duet.Benchmarks;

/// <summary>Two `duet party` processes across a <see cref="LinkEmulator"/>: A in its namespace, listening on every
/// address under the emulator's public one, then B in its own once A listens (a call that finds no listener is gated
/// for a second: a start-up race, not the link).</summary>
internal static class LinkedParties
{
    public const int Port = 25520;

    private static readonly TimeSpan ListenLimit = TimeSpan.FromMinutes(1);

    /// <summary>A's and B's arguments after `duet party`; the listen and peer addresses are added here.</summary>
    public static (PartyProcess A, PartyProcess B) Start(string duet, LinkEmulator link, IEnumerable<string> argumentsA, IEnumerable<string> argumentsB, Stopwatch clock, bool clockFromB = false)
    {
        var a = PartyProcess.Start("a", link.In('a')[0], [.. link.In('a').Skip(1), "dotnet", duet, "party", "--listen", $"0.0.0.0:{Port}", .. argumentsA], clock);
        var waited = Stopwatch.StartNew();
        while (!a.Errors.Any(l => l.Contains("waiting for the peer", StringComparison.Ordinal)) && !a.WaitAsync().IsCompleted && waited.Elapsed < ListenLimit)
        {
            Thread.Sleep(10);
        }

        if (clockFromB)
        {
            clock.Restart();
        }

        var b = PartyProcess.Start("b", link.In('b')[0], [.. link.In('b').Skip(1), "dotnet", duet, "party", "--peer", $"{LinkEmulator.PublicAddressOfA}:{Port}", .. argumentsB], clock);
        return (a, b);
    }
}
