using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

/// <summary>How an encryption of zero is drawn.</summary>
public enum RandomiserMode
{
    /// <summary>
    /// DJN: h_s^α from a fixed-base table, α uniform of |n|/2 bits for the key owner's own encryptions and of |n| + σ
    /// bits for everyone else's (docs/protocol.md §5.4, §8).
    /// </summary>
    Djn,

    /// <summary>Classic Paillier: r^n mod n² for r uniform in Z*_n.</summary>
    Classic,
}

/// <summary>
/// Encrypts signed plaintexts: c = (1 + m·n)·ρ mod n² where ρ is a fresh encryption of zero. Made over a public key
/// it uses the public path; made over a private key it computes ρ with CRT over p² and q².
/// </summary>
public sealed class PaillierEncryptor
{
    private readonly PaillierPrivateKey? owner;
    private readonly EncryptionSeed? seed;

    public PaillierEncryptor(PaillierContext context, RandomiserMode mode = RandomiserMode.Djn)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        if (mode == RandomiserMode.Classic && Key.Form == KeyForm.Fast)
        {
            // r^n for a uniform r is not in the subgroup of h_s: a fast key's decryption (exponent 2p) would not remove it.
            throw new ArgumentException("A fast key encrypts only with h_s^r (DJN), never r^n.", nameof(mode));
        }

        Mode = mode;
    }

    public PaillierEncryptor(PaillierPrivateKey key, RandomiserMode mode = RandomiserMode.Djn)
        : this(key?.Context ?? throw new ArgumentNullException(nameof(key)), mode)
    {
        owner = key;
    }

    /// <summary>The key owner's encryptor whose α come from <paramref name="seed"/> (<see cref="Encrypt(BigInteger, long, Residue)"/>).</summary>
    public PaillierEncryptor(PaillierPrivateKey key, EncryptionSeed seed)
        : this(key)
    {
        this.seed = seed ?? throw new ArgumentNullException(nameof(seed));
    }

    public PaillierContext Context { get; }

    public PaillierPublicKey Key => Context.Key;

    public RandomiserMode Mode { get; }

    /// <summary>destination = Enc(plaintext) for a signed plaintext within ±n/2.</summary>
    public void Encrypt(BigInteger plaintext, Residue destination)
    {
        if (owner is not null && Mode == RandomiserMode.Djn)
        {
            var m = Key.ToPlaintextSpace(plaintext);
            EncryptOwned(m, Randomness.Bits(Key.RandomiserBits), destination);
            return;
        }

        EncryptZero(destination);
        using var message = Context.Arithmetic.NewResidue();
        LoadMessage(plaintext, message);
        Context.Arithmetic.Multiply(destination, message, destination);
    }

    /// <summary>destination = Enc(plaintext) of the operand at <paramref name="index"/>: with a seed, α is the seed's for
    /// this index and plaintext (the same pair encrypts to the same ciphertext); without, fresh.</summary>
    public void Encrypt(BigInteger plaintext, long index, Residue destination)
    {
        if (seed is null)
        {
            Encrypt(plaintext, destination);
            return;
        }

        var m = Key.ToPlaintextSpace(plaintext);
        EncryptOwned(m, seed.Alpha(index, m, Key.RandomiserBits), destination);
    }

    /// <summary>destination = a fresh encryption of zero, hiding its exponent to σ = <see cref="PaillierPublicKey.MinimumSigma"/>.</summary>
    public void EncryptZero(Residue destination) => EncryptZero(destination, PaillierPublicKey.MinimumSigma);

    /// <summary>
    /// destination = a fresh encryption of zero. Without the private key, α has |n| + σ bits, so that even the key owner,
    /// who can take discrete logarithms of powers of h_s, learns nothing about what it multiplies (docs/protocol.md §5.4);
    /// the key owner's own encryptions keep the short |n|/2-bit α (σ does not apply to them).
    /// </summary>
    public void EncryptZero(Residue destination, int sigma)
    {
        var context = Context.Arithmetic;
        if (Mode == RandomiserMode.Classic)
        {
            BigInteger r;
            do
            {
                r = Randomness.Below(Key.N);
            }
            while (r.IsZero || !BigInteger.GreatestCommonDivisor(r, Key.N).IsOne);

            if (owner is null)
            {
                context.Load(r, destination);
                context.Pow(destination, Key.N, destination);
            }
            else
            {
                // r^n mod p² with n reduced mod φ(p²) = p(p−1), and likewise for q.
                var rp = owner.PHalf.Context.PowSecret(r, Key.N % (owner.PSquared - owner.P));
                var rq = owner.QHalf.Context.PowSecret(r, Key.N % (owner.QSquared - owner.Q));
                context.Load(JoinCrt(rp, rq), destination);
            }

            return;
        }

        if (owner is null)
        {
            Context.RerandomiserPower(sigma, destination);
            return;
        }

        EncryptOwned(BigInteger.Zero, Randomness.Bits(Key.RandomiserBits), destination);
    }

    private void EncryptOwned(BigInteger m, BigInteger alpha, Residue destination) =>
        Context.Arithmetic.Load(JoinCrt(owner!.PHalf.Encrypt(m, alpha), owner.QHalf.Encrypt(m, alpha)), destination);

    /// <summary>destination = 1 + m·n mod n² = g^m, the deterministic part of an encryption.</summary>
    internal void LoadMessage(BigInteger plaintext, Residue destination) =>
        Context.Arithmetic.Load((Key.ToPlaintextSpace(plaintext) * Key.N) + 1, destination);

    private BigInteger JoinCrt(BigInteger modP2, BigInteger modQ2)
    {
        var k = owner!;
        var t = (modP2 - modQ2) % k.PSquared;
        if (t.Sign < 0)
        {
            t += k.PSquared;
        }

        return modQ2 + (k.QSquared * (t * k.QSquaredInverse % k.PSquared));
    }
}
