using Duet.Crypto.Paillier;

namespace Duet.Crypto.Lattice;

/// <summary>A uniform ternary secret s, kept in NTT form with Shoup quotients at every prime.</summary>
public sealed class BfvSecretKey
{
    internal BfvSecretKey(BfvParameters parameters, sbyte[] coefficients)
    {
        Parameters = parameters;
        Coefficients = coefficients;
        var n = parameters.Degree;
        Ntt = new ulong[parameters.Levels * n];
        NttShoup = new ulong[parameters.Levels * n];
        for (var i = 0; i < parameters.Levels; i++)
        {
            var p = parameters.Primes[i];
            var row = Ntt.AsSpan(i * n, n);
            for (var j = 0; j < n; j++)
            {
                row[j] = p.ReduceSigned(coefficients[j]);
            }

            parameters.Transform(i).Forward(row);
            for (var j = 0; j < n; j++)
            {
                NttShoup[(i * n) + j] = p.Shoup(row[j]);
            }
        }
    }

    public BfvParameters Parameters { get; }

    internal sbyte[] Coefficients { get; }

    internal ulong[] Ntt { get; }

    internal ulong[] NttShoup { get; }
}

/// <summary>
/// The public key (b, a) with b = −a·s + e: a expands from a public seed, b travels in NTT form. The evaluator uses it
/// only to re-randomise its replies with an encryption of zero.
/// </summary>
public sealed class BfvPublicKey
{
    internal BfvPublicKey(BfvParameters parameters, byte[] seed, ulong[] b)
    {
        Parameters = parameters;
        Seed = seed;
        B = b;
        A = Polynomials.Uniform(parameters, seed, parameters.Levels);
        BShoup = Polynomials.ShoupOf(parameters, B);
        AShoup = Polynomials.ShoupOf(parameters, A);
    }

    public BfvParameters Parameters { get; }

    public int Bytes => Parameters.SeededCiphertextBytes;

    internal byte[] Seed { get; }

    internal ulong[] A { get; }

    internal ulong[] AShoup { get; }

    internal ulong[] B { get; }

    internal ulong[] BShoup { get; }

    /// <summary>Reads and validates a received key: exact size, every residue below its prime (PROTOCOL.md §9).</summary>
    public static BfvPublicKey Read(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var b = Wire.ReadSeeded(parameters, bytes, "key", (check, message) => new InvalidKeyException(check, message));
        return new BfvPublicKey(parameters, bytes[..Xof.SeedBytes].ToArray(), b);
    }

    public void Write(Span<byte> output)
    {
        if (output.Length != Bytes)
        {
            throw new ArgumentException($"A public key needs {Bytes} bytes.", nameof(output));
        }

        Seed.CopyTo(output);
        Wire.WriteResidues(Parameters, Parameters.Levels, B, output[Xof.SeedBytes..]);
    }
}

/// <summary>Makes a fresh secret key from the CSPRNG and its public key.</summary>
public sealed class BfvKeyGenerator
{
    public BfvKeyGenerator(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var s = new sbyte[parameters.Degree];
        using var xof = Xof.Fresh();
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (sbyte)xof.NextTernary();
        }

        SecretKey = new BfvSecretKey(parameters, s);
    }

    public BfvSecretKey SecretKey { get; }

    public BfvPublicKey CreatePublicKey()
    {
        var parameters = SecretKey.Parameters;
        var seed = Xof.NewSeed();
        var b = new ulong[parameters.Levels * parameters.Degree];
        using (var xof = Xof.Fresh())
        {
            Polynomials.SymmetricEncrypt(SecretKey, seed, xof, [], b);
        }

        return new BfvPublicKey(parameters, seed, b);
    }
}
