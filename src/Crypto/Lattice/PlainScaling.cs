using System.Runtime.CompilerServices;
using System.Numerics;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The RNS constants that move between plaintexts mod T = 2^τ and the coefficient modulus: Δ·v = round(q·v/T)
/// mod each prime, and composition and decoding for checks. A plaintext coefficient is <see cref="Words"/>
/// little-endian 64-bit words.
/// </summary>
internal sealed class PlainScaling
{
    private readonly BfvParameters parameters;
    private readonly ulong topMask;
    private readonly ulong[] qModT;
    private readonly ulong[] tInverse;
    private readonly ulong[] tInverseShoup;
    private readonly BigInteger[] moduli;
    private readonly BigInteger[][] crt;

    public PlainScaling(BfvParameters parameters)
    {
        this.parameters = parameters;
        var tau = parameters.PlainBits;
        Words = (tau + 63) / 64;
        topMask = tau % 64 == 0 ? ulong.MaxValue : (1UL << (tau % 64)) - 1;
        qModT = new ulong[Words];
        ToWords(parameters.Product(parameters.Levels) & ((BigInteger.One << tau) - 1), qModT);
        var primes = parameters.Primes;
        tInverse = new ulong[primes.Count];
        tInverseShoup = new ulong[primes.Count];
        for (var i = 0; i < primes.Count; i++)
        {
            var p = primes[i];
            tInverse[i] = p.Inverse(p.Pow(2, (ulong)tau));
            tInverseShoup[i] = p.Shoup(tInverse[i]);
        }

        moduli = new BigInteger[primes.Count + 1];
        crt = new BigInteger[primes.Count + 1][];
        for (var level = 1; level <= primes.Count; level++)
        {
            moduli[level] = parameters.Product(level);
            crt[level] = new BigInteger[level];
            for (var i = 0; i < level; i++)
            {
                var qi = primes[i].Value;
                var others = moduli[level] / qi;
                crt[level][i] = others * BigInteger.ModPow(others % qi, qi - 2, qi);
            }
        }
    }

    /// <summary>64-bit words per plaintext coefficient: ceil(τ/64).</summary>
    public int Words { get; }

    /// <summary>The mask of the top word: keeps τ bits in all.</summary>
    public ulong TopMask => topMask;

    public static void ToWords(BigInteger value, Span<ulong> words)
    {
        words.Clear();
        for (var w = 0; w < words.Length && !value.IsZero; w++)
        {
            words[w] = (ulong)(value & ulong.MaxValue);
            value >>= 64;
        }
    }

    public static BigInteger FromWords(ReadOnlySpan<ulong> words)
    {
        var value = BigInteger.Zero;
        for (var w = words.Length - 1; w >= 0; w--)
        {
            value = (value << 64) | words[w];
        }

        return value;
    }

    /// <summary>v mod T for a signed 64-bit value (two's complement, reduced to τ bits).</summary>
    public void FromSigned(long v, Span<ulong> words)
    {
        words.Fill(v < 0 ? ulong.MaxValue : 0);
        words[0] = (ulong)v;
        words[^1] &= topMask;
    }

    /// <summary>
    /// round(q·v/T) mod every prime, for v in [0, T): (q·v − r)/T with r = q·v mod T centered, so ≡ −r·T^{-1}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scale(ReadOnlySpan<ulong> v, Span<ulong> residues)
    {
        var words = Words;
        Span<ulong> r = stackalloc ulong[words];
        MultiplyLow(qModT, v, r);
        r[^1] &= topMask;
        var top = (parameters.PlainBits - 1) % 64;
        var negative = ((r[^1] >> top) & 1) != 0;
        if (negative)
        {
            // T − r: the magnitude of the centered remainder.
            ulong borrow = 1;
            for (var w = 0; w < words; w++)
            {
                var x = ~r[w];
                r[w] = x + borrow;
                borrow = borrow != 0 && r[w] == 0 ? 1UL : 0;
            }

            r[^1] &= topMask;
        }

        for (var i = 0; i < residues.Length; i++)
        {
            var p = parameters.Primes[i];
            var reduced = p.ReduceWords(r);
            var scaled = p.MulShoup(tInverse[i], tInverseShoup[i], reduced);
            residues[i] = negative ? scaled : p.Negate(scaled);
        }
    }

    /// <summary>The low words of a·b (truncated product).</summary>
    private static void MultiplyLow(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        result.Clear();
        var words = result.Length;
        for (var i = 0; i < words; i++)
        {
            ulong carry = 0;
            for (var j = 0; i + j < words; j++)
            {
                var high = Math.BigMul(a[i], b[j], out var low);
                var sum = (UInt128)low + result[i + j] + carry;
                result[i + j] = (ulong)sum;
                carry = high + (ulong)(sum >> 64);
            }
        }
    }

    /// <summary>q_0·…·q_(level−1).</summary>
    public BigInteger Modulus(int level) => moduli[level];

    /// <summary>x in [0, q_level) from its residues mod the first primes (CRT).</summary>
    public BigInteger Compose(ReadOnlySpan<ulong> residues)
    {
        var level = residues.Length;
        var x = BigInteger.Zero;
        for (var i = 0; i < level; i++)
        {
            x += crt[level][i] * residues[i];
        }

        return x % moduli[level];
    }

    /// <summary>round(T·x/q_level) mod T for x in [0, q_level).</summary>
    public BigInteger Decode(BigInteger x, int level)
    {
        var q = moduli[level];
        var scaled = ((x << parameters.PlainBits) + (q >> 1)) / q;
        return scaled & ((BigInteger.One << parameters.PlainBits) - 1);
    }

    /// <summary>log2 of the invariant noise |T·x mod q_level| (centered) of one coefficient; 0 when it is zero.</summary>
    public double NoiseBits(BigInteger x, int level)
    {
        var q = moduli[level];
        var w = (x << parameters.PlainBits) % q;
        if (w > q >> 1)
        {
            w = q - w;
        }

        return w.IsZero ? 0 : BigInteger.Log(w, 2);
    }
}
