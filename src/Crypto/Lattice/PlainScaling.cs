using System.Numerics;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The RNS constants that move between plaintexts mod T = 2^τ and the coefficient modulus: Δ·v = round(q·v/T)
/// mod each prime, the inverse (decoding round(T·x/q') mod T at the reply level), and the prime inverses that
/// modulus switching divides by.
/// </summary>
internal sealed class PlainScaling
{
    private readonly BfvParameters parameters;
    private readonly UInt128 plainMask;
    private readonly UInt128 qModT;
    private readonly ulong[] tInverse;
    private readonly ulong[] tInverseShoup;
    private readonly ulong[][] dropInverse;
    private readonly ulong[][] dropInverseShoup;
    private readonly BigInteger[] moduli;
    private readonly BigInteger[][] crt;

    public PlainScaling(BfvParameters parameters)
    {
        this.parameters = parameters;
        var tau = parameters.PlainBits;
        plainMask = tau == 128 ? UInt128.MaxValue : (UInt128.One << tau) - 1;
        var q = parameters.Product(parameters.Levels);
        qModT = (UInt128)(q & ((BigInteger.One << tau) - 1));
        var primes = parameters.Primes;
        tInverse = new ulong[primes.Count];
        tInverseShoup = new ulong[primes.Count];
        dropInverse = new ulong[primes.Count][];
        dropInverseShoup = new ulong[primes.Count][];
        for (var i = 0; i < primes.Count; i++)
        {
            var p = primes[i];
            tInverse[i] = p.Inverse(p.Pow(2, (ulong)tau));
            tInverseShoup[i] = p.Shoup(tInverse[i]);
            dropInverse[i] = new ulong[i];
            dropInverseShoup[i] = new ulong[i];
            for (var j = 0; j < i; j++)
            {
                dropInverse[i][j] = primes[j].Inverse(p.Value % primes[j].Value);
                dropInverseShoup[i][j] = primes[j].Shoup(dropInverse[i][j]);
            }
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

    public UInt128 PlainMask => plainMask;

    /// <summary>v mod T for a signed 64-bit value (two's complement, reduced to τ bits).</summary>
    public UInt128 FromSigned(long v) => (UInt128)(Int128)v & plainMask;

    /// <summary>round(q·v/T) mod the prime, for v in [0, T): (q·v − r)/T with r = q·v mod T centered, so ≡ −r·T^{-1}.</summary>
    public ulong Scale(UInt128 v, int prime)
    {
        var r = (qModT * v) & plainMask;
        var p = parameters.Primes[prime];
        var half = UInt128.One << (parameters.PlainBits - 1);
        if (r >= half)
        {
            var magnitude = ((plainMask - r) + 1) & plainMask;
            return p.MulShoup(tInverse[prime], tInverseShoup[prime], p.Reduce(magnitude));
        }

        return p.Negate(p.MulShoup(tInverse[prime], tInverseShoup[prime], p.Reduce(r)));
    }

    /// <summary>The inverse of the dropped prime q_dropped modulo a remaining prime q_prime.</summary>
    public (ulong Inverse, ulong Shoup) DropInverse(int dropped, int prime) => (dropInverse[dropped][prime], dropInverseShoup[dropped][prime]);

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
    public UInt128 Decode(BigInteger x, int level)
    {
        var q = moduli[level];
        var scaled = ((x << parameters.PlainBits) + (q >> 1)) / q;
        return (UInt128)(scaled & (BigInteger)plainMask);
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
