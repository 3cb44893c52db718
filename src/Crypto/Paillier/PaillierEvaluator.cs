using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

/// <summary>Homomorphic operations with the public key only. Destinations may alias inputs.</summary>
public sealed class PaillierEvaluator
{
    private readonly PaillierEncryptor randomiser;

    public PaillierEvaluator(PaillierContext context, RandomiserMode mode = RandomiserMode.Djn)
    {
        Paillier = context ?? throw new ArgumentNullException(nameof(context));
        randomiser = new PaillierEncryptor(context, mode);
    }

    public PaillierContext Paillier { get; }

    public PaillierPublicKey Key => Paillier.Key;

    private MontgomeryContext Context => Paillier.Arithmetic;

    /// <summary>Enc(a + b).</summary>
    public void Add(Residue a, Residue b, Residue destination) => Context.Multiply(a, b, destination);

    /// <summary>Enc(a − b).</summary>
    public void Subtract(Residue a, Residue b, Residue destination)
    {
        using var inverse = Context.NewResidue();
        Context.Inverse(b, inverse);
        Context.Multiply(a, inverse, destination);
    }

    /// <summary>Enc(−a).</summary>
    public void Negate(Residue a, Residue destination) => Context.Inverse(a, destination);

    /// <summary>Enc(a + plaintext) for a signed plaintext within ±n/2.</summary>
    public void AddPlain(Residue a, BigInteger plaintext, Residue destination)
    {
        using var message = Context.NewResidue();
        randomiser.LoadMessage(plaintext, message);
        Context.Multiply(a, message, destination);
    }

    /// <summary>Enc(a·scalar); a negative scalar inverts the ciphertext instead of raising it to n − |scalar|.</summary>
    public void Multiply(Residue a, long scalar, Residue destination) => Multiply(a, new BigInteger(scalar), destination);

    /// <summary>Enc(a·scalar) for a signed big-integer scalar.</summary>
    public void Multiply(Residue a, BigInteger scalar, Residue destination)
    {
        if (scalar.Sign < 0)
        {
            Context.Inverse(a, destination);
            Context.Pow(destination, -scalar, destination);
        }
        else
        {
            Context.Pow(a, scalar, destination);
        }
    }

    /// <summary>
    /// Multiplies by a fresh encryption of zero, so the result is unlinkable to its inputs, even for the key owner: the
    /// DJN exponent is uniform of |n| + σ bits (docs/protocol.md §5.4).
    /// </summary>
    public void Rerandomize(Residue a, Residue destination, int sigma = PaillierPublicKey.MinimumSigma)
    {
        using var zero = Context.NewResidue();
        randomiser.EncryptZero(zero, sigma);
        Context.Multiply(a, zero, destination);
    }
}
