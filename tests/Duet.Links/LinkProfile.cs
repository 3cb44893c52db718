namespace Duet.Links;

/// <summary>A link between two data centres: its bandwidth each way (null: not shaped) and its round trip.</summary>
public sealed record LinkProfile(string Name, long? BitsPerSecond, TimeSpan RoundTrip)
{
    /// <summary>Two parties on one LAN: no shaping, no added delay.</summary>
    public static readonly LinkProfile Lan = new("lan", null, TimeSpan.Zero);

    /// <summary>Two data centres of one metro area: 1 Gbit/s, 5 ms round trip.</summary>
    public static readonly LinkProfile Metro = new("metro", 1_000_000_000, TimeSpan.FromMilliseconds(5));

    /// <summary>Two regions: 100 Mbit/s, 60 ms round trip.</summary>
    public static readonly LinkProfile Region = new("region", 100_000_000, TimeSpan.FromMilliseconds(60));

    /// <summary>A fast long line: 1 Gbit/s, 60 ms round trip (a bandwidth-delay product of 7.5 MB).</summary>
    public static readonly LinkProfile Long = new("long", 1_000_000_000, TimeSpan.FromMilliseconds(60));

    public static IReadOnlyList<LinkProfile> All { get; } = [Lan, Metro, Region, Long];

    public static LinkProfile Parse(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"unknown link profile '{name}': one of {string.Join(", ", All.Select(p => p.Name))}");

    /// <summary>Seconds the profile needs to carry <paramref name="bytes"/> one way at its bandwidth (0 when not shaped).</summary>
    public double TransferSeconds(long bytes) => BitsPerSecond is { } rate ? bytes * 8.0 / rate : 0;

    /// <summary>The bandwidth-delay product in bytes: what must be in flight to keep the link busy.</summary>
    public long DelayBandwidthBytes => BitsPerSecond is { } rate ? (long)(rate / 8.0 * RoundTrip.TotalSeconds) : 0;
}
