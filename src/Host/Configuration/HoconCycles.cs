using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Duet.Host.Configuration;

/// <summary>Substitutions that lead back to themselves (<c>a = ${a}</c>, <c>a = ${b}, b = [${a}]</c>): Akka resolves
/// them by recursion when a value is read, so reading one overflows the stack and kills the process (found by
/// fuzzing). Checked once after parsing; chains longer than <see cref="HoconGuard.MaxDepth"/> count as cycles too.</summary>
internal static class HoconCycles
{
    /// <summary>The path of a substitution that refers back to itself, or null.</summary>
    public static string? Find(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var substitution in config.Substitutions)
        {
            if (Reaches(substitution.ResolvedValue, substitution, 0))
            {
                return substitution.Path;
            }
        }

        return null;
    }

    private static bool Reaches(HoconValue? value, HoconSubstitution start, int depth)
    {
        if (value is null)
        {
            return false;
        }

        if (depth > HoconGuard.MaxDepth)
        {
            return true;
        }

        foreach (var element in value.Values)
        {
            var found = element switch
            {
                HoconSubstitution s => ReferenceEquals(s, start) || Reaches(s.ResolvedValue, start, depth + 1),
                HoconArray array => array.Any(item => Reaches(item, start, depth + 1)),
                HoconObject obj => obj.Items.Values.Any(item => Reaches(item, start, depth + 1)),
                _ => false,
            };
            if (found)
            {
                return true;
            }
        }

        return false;
    }
}
