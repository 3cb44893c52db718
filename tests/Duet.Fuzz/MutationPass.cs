namespace Duet.Fuzz;

/// <summary>The deterministic mutation pass: the seeds, then mutants of them, each run once through the target.</summary>
public static class MutationPass
{
    /// <summary>Seed of the test suite's pass and of <c>duet-fuzz mutate</c>: the same inputs every run.</summary>
    public const int DefaultSeed = 20261129;

    public static MutationResult Run(FuzzTarget target, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        var result = new MutationResult();
        foreach (var input in new Mutator(seed).Inputs(target.Seeds, count))
        {
            result.Inputs++;
            try
            {
                if (target.Run(input))
                {
                    result.Decoded++;
                }
                else
                {
                    result.TypedErrors++;
                }
            }
            catch (Exception error)
            {
                result.Findings.Add($"{error.GetType().Name}: {error.Message} on input {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 256)))}{(input.Length > 256 ? "..." : string.Empty)}");
            }
        }

        return result;
    }
}

public sealed class MutationResult
{
    public int Inputs { get; set; }

    public int Decoded { get; set; }

    public int TypedErrors { get; set; }

    /// <summary>One line per input that made the decoder throw anything but a typed error.</summary>
    public List<string> Findings { get; } = [];
}
