using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Duet.Benchmarks;

/// <summary>The reference point of the primitive ratios: `openssl speed rsa4096` signatures per second on one core.</summary>
internal static class OpenSslSpeed
{
    /// <summary>RSA-4096 signs per second, or null with the reason when openssl is missing or its output is not understood.</summary>
    public static (double? SignsPerSecond, string? Problem) Rsa4096Sign(double seconds)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("speed");
        start.ArgumentList.Add("-seconds");
        start.ArgumentList.Add(Math.Max(1, (int)Math.Round(seconds)).ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("rsa4096");

        string output;
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return (null, "openssl could not be started");
            }

            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            if (process.ExitCode != 0)
            {
                return (null, $"openssl speed exited with code {process.ExitCode}");
            }
        }
        catch (Win32Exception)
        {
            return (null, "openssl is not installed");
        }

        var parsed = Parse(output);
        return parsed is null ? (null, "openssl speed printed no 'rsa 4096 bits' line with a sign/s column") : (parsed, null);
    }

    /// <summary>The sign/s column of the `rsa 4096 bits` row, located through the header line that names the columns.</summary>
    internal static double? Parse(string output)
    {
        string[]? header = null;
        foreach (var line in output.Split('\n'))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (tokens.Contains("sign/s"))
            {
                header = tokens;
            }
            else if (header is not null && tokens.Length >= 3 && tokens[0] == "rsa" && tokens[1] == "4096" && tokens[2] == "bits")
            {
                var column = 3 + Array.IndexOf(header, "sign/s");
                if (column < tokens.Length && double.TryParse(tokens[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }

        return null;
    }
}
