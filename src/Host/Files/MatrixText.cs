using System.Globalization;

namespace Duet.Host.Files;

/// <summary>How entries are spelled in text: invariant culture, reals round-trip and always look real.</summary>
internal static class MatrixText
{
    public static string Format<T>(T value)
        where T : IFormattable
    {
        var text = value.ToString(FormatOf<T>(), CultureInfo.InvariantCulture);
        return typeof(T) == typeof(double) && LooksInteger(text) ? text + ".0" : text;
    }

    /// <summary>Formats into <paramref name="destination"/>; false when it is too small.</summary>
    public static bool TryFormat<T>(T value, Span<char> destination, out int written)
        where T : ISpanFormattable
    {
        if (!value.TryFormat(destination, out written, FormatOf<T>(), CultureInfo.InvariantCulture))
        {
            return false;
        }

        if (typeof(T) == typeof(double) && LooksInteger(destination[..written]))
        {
            if (written + 2 > destination.Length)
            {
                return false;
            }

            // "1" would read back as an integer matrix; "1.0" keeps a real matrix real.
            ".0".CopyTo(destination[written..]);
            written += 2;
        }

        return true;
    }

    private static string? FormatOf<T>() => typeof(T) == typeof(double) ? "R" : null;

    private static bool LooksInteger(ReadOnlySpan<char> text) =>
        !text.TrimStart('-').ContainsAnyExcept("0123456789");
}
