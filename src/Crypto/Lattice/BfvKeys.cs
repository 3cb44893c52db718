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

    /// <summary>Reads and validates a received key: exact size, every residue below its prime (docs/protocol.md §9).</summary>
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

/// <summary>Makes a secret key and its public key from a 256-bit seed: fresh from the CSPRNG, or a kept one (a
/// resumed session, a worker node), which makes the same keys again.</summary>
public sealed class BfvKeyGenerator
{
    private readonly byte[] publicSeed = new byte[Xof.SeedBytes];
    private readonly Lazy<BfvPublicKey> publicKey;

    public BfvKeyGenerator(BfvParameters parameters)
        : this(parameters, Xof.NewSeed())
    {
    }

    public BfvKeyGenerator(BfvParameters parameters, ReadOnlySpan<byte> seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Seed = seed.ToArray();
        var s = new sbyte[parameters.Degree];
        var xof = new Xof(seed);
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (sbyte)xof.NextTernary();
        }

        SecretKey = new BfvSecretKey(parameters, s);
        xof.Fill(publicSeed);
        publicKey = new Lazy<BfvPublicKey>(() =>
        {
            var b = new ulong[parameters.Levels * parameters.Degree];
            using (xof)
            {
                Polynomials.SymmetricEncrypt(SecretKey, publicSeed, xof, [], b);
            }

            return new BfvPublicKey(parameters, publicSeed, b);
        });
    }

    /// <summary>The seed both keys come from: the secret a resume or a node needs.</summary>
    public byte[] Seed { get; }

    public BfvSecretKey SecretKey { get; }

    /// <summary>The public key (the same one on every call).</summary>
    public BfvPublicKey CreatePublicKey() => publicKey.Value;
}
