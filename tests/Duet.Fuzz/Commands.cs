using System.Diagnostics;
using System.Globalization;
using SharpFuzz;

namespace Duet.Fuzz;

internal static class Commands
{
    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: duet-fuzz list                       the targets, one a line
                   duet-fuzz seeds DIR                  write the seed corpus to DIR/<target>/
                   duet-fuzz afl TARGET                 be the program afl-fuzz runs (after instrumentation)
                   duet-fuzz replay TARGET FILE|DIR...  run saved inputs (afl's crashes/ or hangs/) and say what each does
                   duet-fuzz mutate TARGET|all COUNT    the deterministic mutation pass of the tests, COUNT inputs per target
            """);
        return 2;
    }

    public static int List()
    {
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine(target.Name);
        }

        return 0;
    }

    public static int WriteSeeds(string directory)
    {
        foreach (var target in FuzzTargets.All)
        {
            var folder = Directory.CreateDirectory(Path.Combine(directory, target.Name)).FullName;
            for (var i = 0; i < target.Seeds.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"seed-{i}")), target.Seeds[i]);
            }

            Console.WriteLine($"{target.Name}: {target.Seeds.Count} seeds in {folder}");
        }

        return 0;
    }

    /// <summary>SharpFuzz's persistent loop: afl-fuzz feeds inputs on stdin; an exception that is not a typed error
    /// escapes <see cref="FuzzTarget.Run"/> and is reported to afl as a crash.</summary>
    public static int Afl(FuzzTarget target)
    {
        _ = target.Seeds; // load embedded seeds (and warm up the decoders' statics) before the first input
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    }

    public static int Replay(FuzzTarget target, IEnumerable<string> paths)
    {
        var findings = 0;
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)) : [p]);
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                outcome = target.Refusal(File.ReadAllBytes(file)) is { } refusal ? $"typed error {refusal.GetType().Name}: {refusal.Message}" : "decoded";
            }
            catch (Exception error)
            {
                findings++;
                outcome = $"FINDING {error.GetType().FullName}: {error.Message}\n{error.StackTrace}";
            }

            Console.WriteLine($"{file}: {outcome} ({clock.ElapsedMilliseconds} ms)");
        }

        return findings == 0 ? 0 : 1;
    }

    public static int Mutate(string name, int count)
    {
        var findings = 0;
        foreach (var target in name == "all" ? FuzzTargets.All : [FuzzTargets.Find(name)])
        {
            var clock = Stopwatch.StartNew();
            var result = MutationPass.Run(target, count, MutationPass.DefaultSeed);
            findings += result.Findings.Count;
            Console.WriteLine($"{target.Name}: {result.Inputs} inputs, {result.Decoded} decoded, {result.TypedErrors} typed errors, {result.Findings.Count} findings, {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var finding in result.Findings.DistinctBy(f => f[..Math.Min(f.Length, f.IndexOf(" on input", StringComparison.Ordinal) is var i and >= 0 ? i : f.Length)]).Take(10))
            {
                Console.WriteLine($"  {finding}");
            }
        }

        return findings == 0 ? 0 : 1;
    }
}
