using System.Runtime.CompilerServices;
using System.Numerics;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The reply's modulus 2^w (docs/lattice.md, "The reply"): the evaluator switches each coefficient from q to 2^w, and
/// the key owner lifts c1·s from its residues at the reply primes to the integers mod 2^w. A value mod 2^w is
/// <see cref="Words"/> little-endian 64-bit words.
/// </summary>
internal sealed class ReplyModulus
{
    private readonly IReadOnlyList<Modulus> primes;
    private readonly ulong topMask;
    private readonly ulong[][] switchInteger;
    private readonly UInt128[] switchFraction;
    private readonly ulong[] liftInverse;
    private readonly ulong[] liftInverseShoup;
    private readonly ulong[][] liftCofactor;
    private readonly ulong[] liftModulus;
    private readonly double[] liftReciprocal;

    public ReplyModulus(IReadOnlyList<Modulus> primes, int replyPrimes, int bits)
    {
        this.primes = primes;
        Bits = bits;
        Words = (bits + 63) / 64;
        topMask = bits % 64 == 0 ? ulong.MaxValue : (1UL << (bits % 64)) - 1;
        var power = BigInteger.One << bits;

        // round(2^w·x/q) ≡ Σ r_i·θ_i (mod 2^w), θ_i = ((q/q_i)^{-1} mod q_i)·2^w/q_i: its integer part mod 2^w and its fraction to 128 bits.
        var q = primes.Aggregate(BigInteger.One, (a, p) => a * p.Value);
        switchInteger = new ulong[primes.Count][];
        switchFraction = new UInt128[primes.Count];
        for (var i = 0; i < primes.Count; i++)
        {
            var qi = primes[i].Value;
            var numerator = BigInteger.ModPow(q / qi % qi, qi - 2, qi) << bits;
            switchInteger[i] = ToWords(numerator / qi % power);
            switchFraction[i] = (UInt128)((numerator % qi << 128) / qi);
        }

        // Centered CRT at the reply primes: x = Σ y_i·(Q/q_i) − v·Q with y_i = r_i·(Q/q_i)^{-1} mod q_i, v = round(Σ y_i/q_i).
        var qReply = primes.Take(replyPrimes).Aggregate(BigInteger.One, (a, p) => a * p.Value);
        liftInverse = new ulong[replyPrimes];
        liftInverseShoup = new ulong[replyPrimes];
        liftCofactor = new ulong[replyPrimes][];
        liftReciprocal = new double[replyPrimes];
        for (var i = 0; i < replyPrimes; i++)
        {
            var p = primes[i];
            liftInverse[i] = (ulong)BigInteger.ModPow(qReply / p.Value % p.Value, p.Value - 2, p.Value);
            liftInverseShoup[i] = p.Shoup(liftInverse[i]);
            liftCofactor[i] = ToWords(qReply / p.Value % power);
            liftReciprocal[i] = 1.0 / p.Value;
        }

        liftModulus = ToWords(qReply % power);
    }

    /// <summary>w: values are taken mod 2^w.</summary>
    public int Bits { get; }

    public int Words { get; }

    /// <summary>round(2^w·x/q) mod 2^w from the residues of x at every prime; errs from the exact rounding by less than L·2^-127.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Switch(ReadOnlySpan<ulong> residues, Span<ulong> value)
    {
        value.Clear();
        UInt128 fractionLow = UInt128.One << 127; // + 1/2: rounding
        ulong fractionHigh = 0;
        for (var i = 0; i < residues.Length; i++)
        {
            var r = residues[i];
            MultiplyAdd(value, switchInteger[i], r);
            var f = switchFraction[i];
            var lowProduct = (UInt128)(ulong)f * r;
            var highProduct = (UInt128)(ulong)(f >> 64) * r;
            var part = lowProduct + (highProduct << 64);
            var partHigh = (ulong)(highProduct >> 64) + (part < lowProduct ? 1UL : 0);
            var before = fractionLow;
            fractionLow += part;
            fractionHigh += partHigh + (fractionLow < before ? 1UL : 0);
        }

        Add(value, fractionHigh);
        value[^1] &= topMask;
    }

    /// <summary>x mod 2^w for the x with |x| &lt; Q/4 (Q: the reply primes' product) whose residues these are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Lift(ReadOnlySpan<ulong> residues, Span<ulong> value)
    {
        value.Clear();
        var sum = 0.0;
        for (var i = 0; i < residues.Length; i++)
        {
            var y = primes[i].MulShoup(liftInverse[i], liftInverseShoup[i], residues[i]);
            sum += y * liftReciprocal[i];
            MultiplyAdd(value, liftCofactor[i], y);
        }

        // x/Q = Σ y_i/q_i − v lies within 1/4 of an integer, far beyond the error of the doubles.
        var v = (ulong)Math.Round(sum);
        Span<ulong> subtract = stackalloc ulong[Words];
        MultiplyAdd(subtract, liftModulus, v);
        ulong borrow = 0;
        for (var w = 0; w < Words; w++)
        {
            var (a, b) = (value[w], subtract[w]);
            var difference = a - b - borrow;
            borrow = a < b || (a == b && borrow != 0) ? 1UL : 0;
            value[w] = difference;
        }

        value[^1] &= topMask;
    }

    /// <summary>value += addend·2^shift mod 2^w (addend: a plaintext of fewer bits, so that the shift stays below w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddShifted(Span<ulong> value, ReadOnlySpan<ulong> addend, int shift)
    {
        var (wordShift, bitShift) = (shift / 64, shift % 64);
        ulong carry = 0;
        for (var w = wordShift; w < Words; w++)
        {
            var i = w - wordShift;
            var low = i < addend.Length ? addend[i] : 0;
            var below = i >= 1 && i - 1 < addend.Length ? addend[i - 1] : 0;
            var part = bitShift == 0 ? low : (low << bitShift) | (below >> (64 - bitShift));
            var sum = (UInt128)value[w] + part + carry;
            value[w] = (ulong)sum;
            carry = (ulong)(sum >> 64);
        }

        value[^1] &= topMask;
    }

    /// <summary>round(value / 2^drop) mod 2^(w − drop), in place (drop ≥ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RoundDown(Span<ulong> value, int drop)
    {
        Span<ulong> half = stackalloc ulong[Words];
        half[(drop - 1) / 64] = 1UL << ((drop - 1) % 64);
        Span<ulong> sum = stackalloc ulong[Words + 1];
        ulong carry = 0;
        for (var w = 0; w < Words; w++)
        {
            var s = (UInt128)value[w] + half[w] + carry;
            sum[w] = (ulong)s;
            carry = (ulong)(s >> 64);
        }

        sum[Words] = carry;
        var (wordShift, bitShift) = (drop / 64, drop % 64);
        for (var w = 0; w < Words; w++)
        {
            var i = w + wordShift;
            var low = i <= Words ? sum[i] : 0;
            var high = i + 1 <= Words ? sum[i + 1] : 0;
            value[w] = bitShift == 0 ? low : (low >> bitShift) | (high << (64 - bitShift));
        }

        var kept = Bits - drop;
        for (var w = 0; w < Words; w++)
        {
            value[w] &= (w + 1) * 64 <= kept ? ulong.MaxValue : w * 64 >= kept ? 0 : (1UL << (kept % 64)) - 1;
        }
    }

    /// <summary>value mod q_prime.</summary>
    public ulong Reduce(ReadOnlySpan<ulong> value, int prime) => primes[prime].ReduceWords(value);

    /// <summary>acc += a·b mod 2^(64·acc.Length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(Span<ulong> acc, ReadOnlySpan<ulong> a, ulong b)
    {
        ulong carry = 0;
        for (var w = 0; w < acc.Length; w++)
        {
            var high = Math.BigMul(a[w], b, out var low);
            var sum = (UInt128)low + acc[w] + carry;
            acc[w] = (ulong)sum;
            carry = high + (ulong)(sum >> 64);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Span<ulong> acc, ulong b)
    {
        for (var w = 0; w < acc.Length && b != 0; w++)
        {
            acc[w] += b;
            b = acc[w] < b ? 1UL : 0;
        }
    }

    private ulong[] ToWords(BigInteger value)
    {
        var words = new ulong[Words];
        PlainScaling.ToWords(value, words);
        return words;
    }
}
