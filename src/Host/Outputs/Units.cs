using System.Globalization;

namespace Duet.Host.Outputs;

/// <summary>Sizes and durations as people read them in a summary line.</summary>
internal static class Units
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.#} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
    };

    public static string Duration(TimeSpan time) => time.TotalSeconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0#} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalMinutes} min {time.Seconds:00} s"),
    };

    /// <summary>The key sizes duet supports, for help texts and errors: "2048, 3072, 4096".</summary>
    public static string KeySizes => string.Join(", ", Duet.Crypto.Paillier.PaillierKeyGenerator.SupportedBits);

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, singular for one: "1 run", "4 runs", "1 entry" (with the plural given, "entries").</summary>
    public static string Count(long count, string noun, string? plural = null) =>
        Invariant($"{count} {(count == 1 ? noun : plural ?? noun + "s")}");

    /// <summary>An enum member as words: PeerLost as "peer lost", RolePreference.Auto as "auto".</summary>
    public static string Words<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
