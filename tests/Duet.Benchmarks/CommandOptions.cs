using System.Globalization;

namespace Duet.Benchmarks;

/// <summary>A command-line mistake: the program prints the message and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// `--name value` pairs and bare `--flag`s of one command. Every option a command may take is declared up front;
/// anything else is a usage error.
/// </summary>
internal sealed class CommandOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public CommandOptions(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string>? flagOptions = null)
    {
        flagOptions ??= [];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"{command}: unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            if (flagOptions.Contains(name))
            {
                flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{command}: --{name} needs a value.");
                }

                if (!values.TryAdd(name, args[++i]))
                {
                    throw new UsageException($"{command}: --{name} is given twice.");
                }
            }
            else
            {
                var known = valueOptions.Concat(flagOptions).Select(o => "--" + o).ToList();
                throw new UsageException(known.Count == 0
                    ? $"{command}: takes no options; got '{arg}'."
                    : $"{command}: unknown option '{arg}'; known: {string.Join(", ", known)}.");
            }
        }
    }

    public bool Flag(string name) => flags.Contains(name);

    public string? String(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback, int minimum = int.MinValue)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new UsageException($"--{name} must be an integer ≥ {minimum}; got '{text}'.");
        }

        return value;
    }

    public int? OptionalInt(string name, int minimum) => values.ContainsKey(name) ? Int(name, 0, minimum) : null;

    public double Double(string name, double fallback, double minimum)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= minimum))
        {
            throw new UsageException($"--{name} must be a number ≥ {minimum.ToString(CultureInfo.InvariantCulture)}; got '{text}'.");
        }

        return value;
    }
}
