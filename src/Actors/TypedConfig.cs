using Akka.Configuration;

namespace Duet.Actors;

/// <summary>
/// Reads settings from a configuration the way <see cref="Config"/> does, but a value of the wrong type or range is
/// an <see cref="ArgumentException"/> that names the key, what it holds and the form expected
/// (Akka's own errors name neither).
/// </summary>
internal sealed class TypedConfig(Config config)
{
    public string GetString(string key) => Read(key, "a string", () => config.GetString(key) ?? throw new FormatException());

    // HOCON's words for a boolean, read here since Akka's GetBoolean answers any other with NotSupportedException.
    public bool GetBoolean(string key) => Read(key, "on or off", () => config.GetString(key) switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => throw new FormatException(),
    });

    public int GetInt(string key) => Read(key, "a whole number", () => checked((int)ParseLong(key)));

    public long GetLong(string key) => Read(key, "a whole number", () => ParseLong(key));

    /// <summary>A fraction in [0, 1], such as 0.03.</summary>
    public double GetFraction(string key) => Read(key, "a fraction between 0 and 1", () =>
    {
        var value = double.Parse(config.GetString(key) ?? throw new FormatException(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture);
        return value is >= 0 and <= 1 ? value : throw new FormatException();
    });

    /// <summary>A duration; 0 means zero.</summary>
    public TimeSpan GetTimeSpan(string key) => Read(key, "a duration such as 60s, 5m or 0", () =>
    {
        var value = config.GetTimeSpan(key, null, allowInfinite: false);
        return value >= TimeSpan.Zero ? value : throw new FormatException();
    });

    public long GetByteSize(string key) => Read(key, "a size such as 512MiB or 4194304b", () => config.GetByteSize(key) is { } size and >= 0 ? size : throw new FormatException());

    private long ParseLong(string key)
    {
        // Akka's GetLong truncates "1.5" and accepts "1e3"; a count or bit size is whole.
        var text = config.GetString(key) ?? throw new FormatException();
        return long.Parse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);
    }

    private T Read<T>(string key, string expected, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception error) when (error is not ArgumentException)
        {
            throw new ArgumentException($"{key} = {Shown(key)} is not {expected}.", error);
        }
    }

    private string Shown(string key)
    {
        try
        {
            var value = config.GetValue(key);
            return value is null ? "(missing)" : value.IsObject() ? "{ ... }" : value.IsArray() ? "[ ... ]" : $"'{value.GetString()}'";
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return "(unreadable)";
        }
    }
}
