using System.Numerics;

namespace Duet.Crypto.Arithmetic;

/// <summary>Chooses the arithmetic backend: native (OpenSSL) when it loads, managed otherwise; DUET_ARITHMETIC forces one.</summary>
public static class Backends
{
    public const string Native = "native";
    public const string Managed = "managed";
    public const string EnvironmentVariable = "DUET_ARITHMETIC";

    private static readonly Lazy<string> Chosen = new(Choose);

    /// <summary>The backend that <see cref="Create(BigInteger)"/> uses in this process.</summary>
    public static string Current => Chosen.Value;

    public static MontgomeryContext Create(BigInteger modulus) => Create(modulus, Current);

    /// <summary>A context modulo a secret modulus (the key owner's p² and q²): set up in constant time on both backends.</summary>
    public static MontgomeryContext CreateSecret(BigInteger modulus) => Create(modulus, Current, secretModulus: true);

    /// <summary>base^exponent mod an odd modulus for a secret exponent, in constant time, on a context made for the call
    /// (key set-up and key checks: a handful per key).</summary>
    public static BigInteger PowSecret(BigInteger @base, BigInteger exponent, BigInteger modulus)
    {
        using var context = Create(modulus);
        return context.PowSecret(@base, exponent);
    }

    public static MontgomeryContext Create(BigInteger modulus, string backend, bool secretModulus = false) => backend switch
    {
        Native => new NativeMontgomeryContext(modulus, secretModulus),
        Managed => new ManagedMontgomeryContext(modulus),
        _ => throw new ArgumentException($"Unknown arithmetic backend '{backend}'; expected '{Native}' or '{Managed}'.", nameof(backend)),
    };

    private static string Choose()
    {
        var forced = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant();
        switch (forced)
        {
            case null or "":
                return NativeMethods.IsAvailable ? Native : Managed;
            case Managed:
                return Managed;
            case Native when NativeMethods.IsAvailable:
                return Native;
            case Native:
                throw new PlatformNotSupportedException($"{EnvironmentVariable}=native but OpenSSL's libcrypto could not be loaded.");
            default:
                throw new ArgumentException($"{EnvironmentVariable}='{forced}' is not a backend; use '{Native}' or '{Managed}'.");
        }
    }
}
