using Duet.Crypto.Paillier;

namespace Duet.Crypto.Lattice;

/// <summary>
/// Secret-key encryption by the key owner: (c0, a) with c0 = Δ·m + e − a·s and a expanded from a fresh public seed,
/// so a ciphertext travels as the seed and c0 (NTT form): half the size of (c0, c1).
/// </summary>
public sealed class BfvEncryptor(BfvSecretKey key)
{
    private readonly BfvSecretKey key = key ?? throw new ArgumentNullException(nameof(key));

    public BfvParameters Parameters => key.Parameters;

    /// <summary>Encrypts the polynomial with these signed coefficients (at most N; values taken mod T), its seed and
    /// noise drawn from <paramref name="random"/> when given (the same ciphertext again), else from the CSPRNG.</summary>
    public void Encrypt(ReadOnlySpan<long> message, Span<byte> output, Xof? random = null)
    {
        var parameters = key.Parameters;
        if (message.Length > parameters.Degree || output.Length != parameters.SeededCiphertextBytes)
        {
            throw new ArgumentException($"At most {parameters.Degree} coefficients into {parameters.SeededCiphertextBytes} bytes.", nameof(output));
        }

        var seed = new byte[Xof.SeedBytes];
        var c0 = new ulong[parameters.Levels * parameters.Degree];
        using (var fresh = random is null ? Xof.Fresh() : null)
        {
            var noise = random ?? fresh!;
            noise.Fill(seed);
            Polynomials.SymmetricEncrypt(key, seed, noise, message, c0);
        }

        seed.CopyTo(output);
        Wire.WriteResidues(parameters, parameters.Levels, c0, output[Xof.SeedBytes..]);
    }
}

/// <summary>A received fresh ciphertext, validated and prepared for products: both halves in NTT form with Shoup quotients.</summary>
public sealed class BfvOperand
{
    private BfvOperand(BfvParameters parameters, ulong[] c0, ulong[] a)
    {
        C0 = c0;
        A = a;
        C0Shoup = Polynomials.ShoupOf(parameters, c0);
        AShoup = Polynomials.ShoupOf(parameters, a);
    }

    internal ulong[] C0 { get; }

    internal ulong[] C0Shoup { get; }

    internal ulong[] A { get; }

    internal ulong[] AShoup { get; }

    /// <summary>Reads a ciphertext from the peer: exact size and every residue below its prime (docs/protocol.md §9).</summary>
    public static BfvOperand Read(BfvParameters parameters, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var c0 = Wire.ReadSeeded(parameters, bytes, "ciphertext", (check, message) => new InvalidCiphertextException(check, message));
        return new BfvOperand(parameters, c0, Polynomials.Uniform(parameters, bytes[..Xof.SeedBytes], parameters.Levels));
    }
}
