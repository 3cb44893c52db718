using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duet.Crypto.Paillier;

namespace Duet.Benchmarks;

/// <summary>Shared pieces of every command's output: rounding, the JSON file, the key size option.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int KeyBits(CommandOptions options)
    {
        var bits = options.Int("key-bits", 2048);
        return PaillierKeyGenerator.SupportedBits.Contains(bits)
            ? bits
            : throw new UsageException($"--key-bits must be one of {string.Join(", ", PaillierKeyGenerator.SupportedBits)}; got {bits}.");
    }

    /// <summary>The Paillier key form of <c>--key-form</c>: standard (the default) or fast.</summary>
    public static string KeyForm(CommandOptions options)
    {
        var form = options.String("key-form") ?? "standard";
        return form is "standard" or "fast" ? form : throw new UsageException($"--key-form must be standard or fast; got {form}.");
    }

    /// <summary>The configuration lines of the encryptor's key: its size and form, and the evaluator's opt-in to a fast
    /// form (<c>duet.session.accept-fast-key</c>), which a run that asks for one gives.</summary>
    public static string KeyConfig(int keyBits, string keyForm) =>
        $"duet.session.key-bits = {keyBits}\nduet.session.key-form = {keyForm}\nduet.session.accept-fast-key = {(keyForm == "fast" ? "on" : "off")}\n";

    /// <summary>Rounds to a few significant digits: the machine is not steadier than that.</summary>
    public static double Round(double value, int digits = 4)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return value;
        }

        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value * scale) / scale;
    }

    public static string Format(double value) => Round(value).ToString("#,0.###", CultureInfo.InvariantCulture);

    public static string Format(double? value) => value is { } v ? Format(v) : "unknown";

    /// <summary>Cores used by other processes (<see cref="MachineLoad.OtherCores"/>), to two digits.</summary>
    public static string FormatLoad(double? cores) => cores is { } c ? Format(Round(c, 2)) : "unknown";

    public static JsonNode? RoundLoad(double? cores) => cores is { } c ? Round(c, 2) : null;

    public static void WriteJson(string? path, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json.ToJsonString(Indented);
        if (path is null)
        {
            Console.WriteLine(text);
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text + "\n");
        Console.WriteLine($"wrote {path}");
    }
}
