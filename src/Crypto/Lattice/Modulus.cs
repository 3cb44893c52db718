using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Duet.Crypto.Lattice;

/// <summary>
/// One word-sized prime of the RNS coefficient modulus and its modular arithmetic. Products by a fixed operand use
/// Shoup's precomputed quotient (two multiplications and one high half), which needs q &lt; 2^62 for lazy reduction.
/// </summary>
public sealed class Modulus
{
    /// <summary>The largest prime size accepted: lazy reduction keeps values below 4q &lt; 2^64.</summary>
    public const int MaxBits = 61;

    public Modulus(ulong value)
    {
        if (value < 3 || value >> MaxBits != 0 || !Primes.IsPrime(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} is not an odd prime below 2^{MaxBits}.");
        }

        Value = value;
        Bits = 64 - (int)ulong.LeadingZeroCount(value);
        var ratio = UInt128.MaxValue / value; // floor(2^128 / q): q is odd, so it never divides 2^128
        ratioHigh = (ulong)(ratio >> 64);
        ratioLow = (ulong)ratio;
        OneShoup = (ulong)(((UInt128)1 << 64) / value);
        TwoToThe64 = (ulong)(((UInt128)1 << 64) % value);
        TwoToThe64Shoup = Shoup(TwoToThe64);
    }

    private readonly ulong ratioHigh;
    private readonly ulong ratioLow;

    public ulong Value { get; }

    public int Bits { get; }

    internal ulong OneShoup { get; }

    internal ulong TwoToThe64 { get; }

    internal ulong TwoToThe64Shoup { get; }

    /// <summary>floor(w·2^64 / q): the precomputed quotient of a fixed factor w &lt; q.</summary>
    public ulong Shoup(ulong w)
    {
        // w·floor(2^128/q) / 2^64 is at most one below floor(w·2^64/q); the remainder says which.
        var estimate = (w * ratioHigh) + MultiplyHigh(w, ratioLow);
        var remainder = 0 - (estimate * Value);
        return remainder >= Value ? estimate + 1 : estimate;
    }

    /// <summary>w·x mod q in [0, 2q) for any 64-bit x, given w' = Shoup(w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulShoupLazy(ulong w, ulong wShoup, ulong x, ulong q) => (w * x) - (MultiplyHigh(wShoup, x) * q);

    /// <summary>The high word of a·b: MULX where BMI2 exists (measured faster than Math.BigMul's out form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyHigh(ulong a, ulong b) => Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MulShoup(ulong w, ulong wShoup, ulong x)
    {
        var r = MulShoupLazy(w, wShoup, x, Value);
        return r >= Value ? r - Value : r;
    }

    /// <summary>x mod q for any 64-bit x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x) => MulShoup(1, OneShoup, x);

    /// <summary>x mod q for a 128-bit x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(UInt128 x) => Add(MulShoup(TwoToThe64, TwoToThe64Shoup, (ulong)(x >> 64)), Reduce((ulong)x));

    /// <summary>A multiword value (little-endian words) mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong ReduceWords(ReadOnlySpan<ulong> words)
    {
        var reduced = Reduce(words[^1]);
        for (var w = words.Length - 2; w >= 0; w--)
        {
            reduced = Add(MulShoup(TwoToThe64, TwoToThe64Shoup, reduced), Reduce(words[w]));
        }

        return reduced;
    }

    /// <summary>A signed 64-bit value mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReduceSigned(long x) => x >= 0 ? Reduce((ulong)x) : Negate(Reduce((ulong)(-(x + 1)) + 1));

    public ulong Mul(ulong a, ulong b) => (ulong)((UInt128)a * b % Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Add(ulong a, ulong b)
    {
        var s = a + b;
        return s >= Value ? s - Value : s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Sub(ulong a, ulong b) => a >= b ? a - b : a + Value - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Negate(ulong a) => a == 0 ? 0 : Value - a;

    public ulong Pow(ulong b, ulong e)
    {
        ulong result = 1;
        b %= Value;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Mul(result, b);
            }

            b = Mul(b, b);
            e >>= 1;
        }

        return result;
    }

    /// <summary>a^{-1} mod q (q prime).</summary>
    public ulong Inverse(ulong a)
    {
        if (a % Value == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), "Zero has no inverse.");
        }

        return Pow(a, Value - 2);
    }

    public override string ToString() => $"{Value} ({Bits} bits)";
}

/// <summary>Deterministic primality for 64-bit integers and the NTT-friendly primes of a coefficient modulus.</summary>
public static class Primes
{
    // Miller–Rabin with these bases is exact for every n < 3.3·10^24.
    private static readonly ulong[] Bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (var p in Bases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        var d = n - 1;
        var r = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            r++;
        }

        foreach (var a in Bases)
        {
            var x = PowMod(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var composite = true;
            for (var i = 1; i < r && composite; i++)
            {
                x = (ulong)((UInt128)x * x % n);
                composite = x != n - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// For each requested size, the largest prime below 2^bits with p ≡ 1 (mod 2N) not already chosen: a deterministic
    /// function of (N, sizes), so both parties derive the same modulus from the plan.
    /// </summary>
    public static ulong[] NttFriendly(int degree, IReadOnlyList<int> bits)
    {
        ArgumentNullException.ThrowIfNull(bits);
        var step = 2UL * (ulong)degree;
        var chosen = new List<ulong>();
        foreach (var b in bits)
        {
            if (b < 20 || b > Modulus.MaxBits)
            {
                throw new ArgumentOutOfRangeException(nameof(bits), $"Prime sizes must lie in [20, {Modulus.MaxBits}], got {b}.");
            }

            var candidate = ((1UL << b) - 1) / step * step + 1;
            if (candidate >= 1UL << b)
            {
                candidate -= step;
            }

            while (chosen.Contains(candidate) || !IsPrime(candidate))
            {
                candidate -= step;
            }

            chosen.Add(candidate);
        }

        return [.. chosen];
    }

    private static ulong PowMod(ulong b, ulong e, ulong n)
    {
        ulong result = 1;
        b %= n;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = (ulong)((UInt128)result * b % n);
            }

            b = (ulong)((UInt128)b * b % n);
            e >>= 1;
        }

        return result;
    }
}
