using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Lattice;

/// <summary>
/// BFV parameters, validated once and immutable: ring degree N, an RNS coefficient modulus q = q_0·…·q_(L−1) of
/// NTT-friendly primes, the plaintext modulus T = 2^PlainBits, the reply's modulus 2^w and how many leading primes
/// the key owner multiplies a reply's c1 by its secret at (their product exceeds 4·N·2^w, so c1·s is exact).
/// </summary>
public sealed class BfvParameters
{
    /// <summary>η of the centered binomial error: |e| ≤ 21, standard deviation √(21/2) ≈ 3.24 (the standard's σ ≈ 3.2).</summary>
    public const int ErrorBound = 21;

    /// <summary>The largest plaintext modulus accepted (plaintext coefficients are multiword).</summary>
    public const int MaxPlainBits = 256;

    private readonly Ntt[] transforms;

    private BfvParameters(int degree, Modulus[] primes, int replyPrimes, int plainBits)
    {
        Degree = degree;
        Primes = primes;
        ReplyPrimes = replyPrimes;
        PlainBits = plainBits;
        transforms = Array.ConvertAll(primes, p => new Ntt(degree, p));
        Scaling = new PlainScaling(this);
        Reply = new ReplyModulus(primes, replyPrimes, ReplyBits);
    }

    public int Degree { get; }

    /// <summary>The coefficient modulus' primes, q_0 first.</summary>
    public IReadOnlyList<Modulus> Primes { get; }

    /// <summary>K: the key owner computes a reply's c1·s at the first K primes.</summary>
    public int ReplyPrimes { get; }

    /// <summary>τ: the plaintext modulus is T = 2^τ.</summary>
    public int PlainBits { get; }

    public int Levels => Primes.Count;

    public int CoefficientBits => Primes.Sum(p => p.Bits);

    public int ReplyCoefficientBits => Primes.Take(ReplyPrimes).Sum(p => p.Bits);

    /// <summary>w: a reply's c1 coefficients are taken mod 2^w, w = τ + log2 N + 5 (docs/lattice.md, "Decryption still succeeds").</summary>
    public int ReplyBits => ReplyBitsFor(Degree, PlainBits);

    /// <summary>w0: a reply's result coefficients of c0 keep their top τ + 4 of w bits.</summary>
    public int ResultBits => ResultBitsFor(PlainBits);

    /// <summary>Bytes of a reply: its <see cref="ReplyPayloadBits"/>, the last byte zero-padded.</summary>
    public int ReplyBytes(int positions) => checked((int)((ReplyPayloadBits(Degree, PlainBits, positions) + 7) / 8));

    internal ReplyModulus Reply { get; }

    /// <summary>A fresh ciphertext on the wire: the seed of its uniform half and its first half in NTT form.</summary>
    public int SeededCiphertextBytes => Xof.SeedBytes + (Degree * Primes.Sum(p => p.Bits) / 8);

    internal PlainScaling Scaling { get; }

    /// <summary>
    /// HomomorphicEncryption.org security standard (Albrecht et al., 2018), Table 1, 128-bit classical security,
    /// uniform ternary secret, error σ ≈ 3.2: the largest log2 q for each ring degree N.
    /// </summary>
    public static int MaxCoefficientBits(int degree) => degree switch
    {
        1024 => 27,
        2048 => 54,
        4096 => 109,
        8192 => 218,
        16384 => 438,
        32768 => 881,
        _ => throw new EncodingException($"N = {degree} is not in the security standard's table."),
    };

    /// <summary>w for a degree and τ: the rounding of c1 times ‖s‖₁ ≤ N stays 2^5 below the reply's message scale.</summary>
    public static int ReplyBitsFor(int degree, int plainBits) => plainBits + BitOperations.Log2((uint)degree) + 5;

    /// <summary>Bits a reply carries: the result coefficients of c0 at τ + 4 bits each, then c1 at w bits.</summary>
    public static long ReplyPayloadBits(int degree, int plainBits, int positions) =>
        ((long)positions * ResultBitsFor(plainBits)) + ((long)degree * ReplyBitsFor(degree, plainBits));

    /// <summary>w0 for a τ: the rounding of c0 to its top bits stays 2^4 below the reply's message scale.</summary>
    public static int ResultBitsFor(int plainBits) => plainBits + 4;

    /// <summary>Bits the reply primes' product must reach: c1·s is below N·2^w in magnitude, and the lift needs 4 times it.</summary>
    public static int ReplyPrimeBitsFor(int degree, int plainBits) => ReplyBitsFor(degree, plainBits) + BitOperations.Log2((uint)degree) + 2;

    /// <summary>The degrees this scheme accepts.</summary>
    public static IReadOnlyList<int> Degrees { get; } = [4096, 8192, 16384];

    /// <summary>Parameters with primes of the given sizes (<see cref="Lattice.Primes.NttFriendly"/>), or an <see cref="EncodingException"/>.</summary>
    public static BfvParameters Create(int degree, IReadOnlyList<int> primeBits, int replyPrimes, int plainBits)
    {
        ArgumentNullException.ThrowIfNull(primeBits);
        if (!Degrees.Contains(degree))
        {
            throw new EncodingException($"N = {degree} is not one of {string.Join(", ", Degrees)}.");
        }

        if (primeBits.Count == 0 || replyPrimes < 1 || replyPrimes > primeBits.Count)
        {
            throw new EncodingException($"Need at least one prime and 1 ≤ K ≤ L reply primes, got L = {primeBits.Count}, K = {replyPrimes}.");
        }

        var total = primeBits.Sum();
        if (total > MaxCoefficientBits(degree))
        {
            throw new EncodingException($"log2 q = {total} exceeds the standard's 128-bit bound of {MaxCoefficientBits(degree)} for N = {degree}.");
        }

        if (plainBits is < 2 or > MaxPlainBits)
        {
            throw new EncodingException($"The plaintext modulus must be 2^τ with τ in [2, {MaxPlainBits}], got {plainBits}.");
        }

        var primes = Array.ConvertAll(Lattice.Primes.NttFriendly(degree, primeBits), p => new Modulus(p));
        var reply = primes.Take(replyPrimes).Aggregate(BigInteger.One, (a, p) => a * p.Value);
        if (reply.GetBitLength() <= ReplyPrimeBitsFor(degree, plainBits))
        {
            throw new EncodingException($"The first {replyPrimes} primes ({reply.GetBitLength()} bits) cannot carry a reply's c1·s: it needs more than {ReplyPrimeBitsFor(degree, plainBits)} bits.");
        }

        return new BfvParameters(degree, primes, replyPrimes, plainBits);
    }

    public Ntt Transform(int prime) => transforms[prime];

    /// <summary>q_0·…·q_(level−1).</summary>
    public BigInteger Product(int level) => Primes.Take(level).Aggregate(BigInteger.One, (a, p) => a * p.Value);

    public override string ToString() =>
        $"N={Degree} q={string.Join("+", Primes.Select(p => p.Bits))}={CoefficientBits} bits (c1·s at {ReplyCoefficientBits}), T=2^{PlainBits}, reply mod 2^{ReplyBits}";
}
