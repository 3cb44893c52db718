using Duet.Crypto.Arithmetic;

namespace Duet.Benchmarks;

/// <summary>
/// Paillier keys take their arithmetic from <see cref="Backends.Current"/>, read once per process from
/// DUET_ARITHMETIC; so `--backend` sets that variable before anything reads it.
/// </summary>
internal static class BackendChoice
{
    public const string Option = "backend";

    /// <summary>Forces the backend named by `--backend`, if any, and returns the one this process uses.</summary>
    public static string Apply(CommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var requested = options.String(Option);
        if (requested is not null)
        {
            if (requested is not (Backends.Native or Backends.Managed))
            {
                throw new UsageException($"--{Option} must be {Backends.Native} or {Backends.Managed}; got '{requested}'.");
            }

            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, requested);
        }

        try
        {
            return Backends.Current;
        }
        catch (PlatformNotSupportedException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>A context of the named backend, or null when that backend cannot load on this machine.</summary>
    public static MontgomeryContext? TryCreate(System.Numerics.BigInteger modulus, string backend)
    {
        try
        {
            return Backends.Create(modulus, backend);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
