using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Duet.Benchmarks;

/// <summary>
/// The anchor of `lattice`, measured in the same run: `anchor/w1.mjs` computes the same product with SEAL's BFV
/// (node-seal, WebAssembly, one thread) and the same coefficient encoding, checks it exactly and prints one JSON object.
/// </summary>
internal static class SealAnchor
{
    /// <summary>
    /// One run of the anchor: the script's JSON; wall and CPU seconds of its protocol steps (all of node's threads); CPU
    /// seconds of the whole node process (start-up, matrices and the check included) and cores other processes used meanwhile.
    /// </summary>
    public sealed record Run(JsonObject Report, double Seconds, double? CpuSeconds, bool Verified, long BytesToEvaluator, long BytesToEncryptor, double? ProcessCpuSeconds, double? OtherCores);

    /// <summary>The anchor's run for this shape, or null with the reason when node or npm is missing or a step fails.</summary>
    public static (Run? Run, string? Problem) Measure(int rows, int inner, int columns, int inputBits, int seed)
    {
        var folder = Path.Combine(E2eCommand.RepositoryRoot(), "tests", "Duet.Benchmarks", "anchor");
        if (!File.Exists(Path.Combine(folder, "w1.mjs")))
        {
            return (null, $"{folder}/w1.mjs is missing");
        }

        foreach (var tool in new[] { "node", "npm" })
        {
            var (code, _, _) = Execute(tool, folder, ["--version"]);
            if (code is null)
            {
                return (null, $"{tool} is not installed");
            }
        }

        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            // The lockfile pins node-seal; `npm ci` installs exactly it, once.
            var (code, _, errors) = Execute("npm", folder, ["ci", "--no-audit", "--no-fund"]);
            if (code != 0)
            {
                var reason = errors.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(line => line.StartsWith("npm error", StringComparison.Ordinal));
                return (null, $"npm ci failed (exit {code}): {reason ?? LastLine(errors)}");
            }
        }

        var load = MachineLoad.Start();
        var (exit, output, stderr) = Execute("node", folder, ["w1.mjs",
            "--rows", Text(rows), "--inner", Text(inner), "--cols", Text(columns), "--input-bits", Text(inputBits), "--seed", Text(seed)]);
        var (others, cpu) = (load.OtherCores(), load.OwnCpuSeconds());
        if (exit is not (0 or 1))
        {
            return (null, $"node w1.mjs failed (exit {exit}): {LastLine(stderr)}");
        }

        JsonObject? report;
        try
        {
            report = JsonNode.Parse(LastLine(output)) as JsonObject;
        }
        catch (JsonException)
        {
            report = null;
        }

        if (report is null || Field<double>(report, "seconds") is not { } seconds || Field<bool>(report, "verified") is not { } verified
            || Field<long>(report, "bytes_to_evaluator") is not { } toEvaluator || Field<long>(report, "bytes_to_encryptor") is not { } toEncryptor)
        {
            return (null, $"node w1.mjs printed no anchor report: {LastLine(output)}");
        }

        return (new Run(report, seconds, Field<double>(report, "cpu_s"), verified, toEvaluator, toEncryptor, cpu, others), null);
    }

    private static T? Field<T>(JsonObject report, string name)
        where T : struct => report[name] is JsonValue value && value.TryGetValue(out T result) ? result : null;

    /// <summary>Runs a tool to its end in a folder: exit code (null when it cannot be started), stdout, stderr.</summary>
    private static (int? Code, string Output, string Errors) Execute(string tool, string folder, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return (null, "", "");
            }

            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, errors.Result);
        }
        catch (Win32Exception)
        {
            return (null, "", "");
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(nothing printed)";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
