using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The negacyclic number-theoretic transform of Z_q[X]/(X^N + 1) for one prime: Cooley–Tukey forward and
/// Gentleman–Sande inverse with the 2N-th root's powers in bit-reversed order (Longa–Naehrig), Harvey's lazy
/// butterflies with Shoup products. Forward output is in bit-reversed order; pointwise products do not care.
/// Stages whose butterflies span at least <see cref="Lanes.Width"/> values run on vectors where the CPU has them.
/// </summary>
public sealed class Ntt
{
    /// <summary>The permutes of <see cref="NeighbourStage"/> for t = 1, 2, 4, made once.</summary>
    private static readonly (Vector512<ulong> GatherX, Vector512<ulong> GatherY, Vector512<ulong> ScatterA, Vector512<ulong> ScatterB, Vector512<ulong> Spread)[] Neighbours =
        [NeighbourIndices(1), NeighbourIndices(2), NeighbourIndices(4)];

    private readonly bool vectors;
    private readonly ulong[] roots;
    private readonly ulong[] rootsShoup;
    private readonly ulong[] inverseRoots;
    private readonly ulong[] inverseRootsShoup;
    private readonly ulong degreeInverse;
    private readonly ulong degreeInverseShoup;

    public Ntt(int degree, Modulus modulus)
        : this(degree, modulus, Lanes.Supported)
    {
    }

    /// <summary>A transform that uses vectors only if asked and the CPU has them (tests compare both paths).</summary>
    internal Ntt(int degree, Modulus modulus, bool vectors)
    {
        this.vectors = vectors && Lanes.Supported;
        ArgumentNullException.ThrowIfNull(modulus);
        if (degree < 2 || !int.IsPow2(degree) || (modulus.Value - 1) % (2UL * (ulong)degree) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), $"N = {degree} must be a power of two with 2N dividing q − 1 = {modulus.Value - 1}.");
        }

        Degree = degree;
        Modulus = modulus;
        var psi = MinimalRoot(degree, modulus);
        var psiInverse = modulus.Inverse(psi);
        var logN = int.Log2(degree);
        roots = new ulong[degree];
        rootsShoup = new ulong[degree];
        inverseRoots = new ulong[degree];
        inverseRootsShoup = new ulong[degree];
        ulong power = 1, inversePower = 1;
        var natural = new ulong[degree];
        var naturalInverse = new ulong[degree];
        for (var i = 0; i < degree; i++)
        {
            natural[i] = power;
            naturalInverse[i] = inversePower;
            power = modulus.Mul(power, psi);
            inversePower = modulus.Mul(inversePower, psiInverse);
        }

        for (var i = 0; i < degree; i++)
        {
            var r = (int)(ReverseBits((uint)i) >> (32 - logN));
            roots[i] = natural[r];
            rootsShoup[i] = modulus.Shoup(roots[i]);
            inverseRoots[i] = naturalInverse[r];
            inverseRootsShoup[i] = modulus.Shoup(inverseRoots[i]);
        }

        degreeInverse = modulus.Inverse((ulong)degree);
        degreeInverseShoup = modulus.Shoup(degreeInverse);
    }

    public int Degree { get; }

    public Modulus Modulus { get; }

    /// <summary>In place: coefficients in [0, q) to evaluations in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Forward(Span<ulong> values)
    {
        if (values.Length != Degree)
        {
            throw new ArgumentException($"Expected {Degree} coefficients, got {values.Length}.", nameof(values));
        }

        var q = Modulus.Value;
        var twoQ = 2 * q;
        ref var a = ref MemoryMarshal.GetReference(values);
        var n = Degree;
        var t = n;
        var m = 1;
        for (; t > 2; m <<= 1)
        {
            t >>= 1;
            if (vectors && t < Lanes.Width && n >= 2 * Lanes.Width)
            {
                NeighbourStage(ref a, t, m, roots, rootsShoup, q, forward: true);
                continue;
            }

            for (var i = 0; i < m; i++)
            {
                var w = roots[m + i];
                var ws = rootsShoup[m + i];
                ref var x = ref Unsafe.Add(ref a, 2 * i * t);
                ref var y = ref Unsafe.Add(ref x, t);
                if (vectors && t >= Lanes.Width)
                {
                    ForwardLanes(ref x, ref y, t, w, ws, q);
                    continue;
                }

                for (var j = 0; j < t; j++)
                {
                    var u = Unsafe.Add(ref x, j);
                    u = u >= twoQ ? u - twoQ : u;
                    var v = Modulus.MulShoupLazy(w, ws, Unsafe.Add(ref y, j), q);
                    Unsafe.Add(ref x, j) = u + v;
                    Unsafe.Add(ref y, j) = u - v + twoQ;
                }
            }
        }

        // The last stage (t = 1) pairs neighbours; it also brings every value into [0, q).
        if (vectors && n >= 2 * Lanes.Width)
        {
            NeighbourStage(ref a, 1, m, roots, rootsShoup, q, forward: true);
            return;
        }

        ref var r = ref MemoryMarshal.GetArrayDataReference(roots);
        ref var rs = ref MemoryMarshal.GetArrayDataReference(rootsShoup);
        for (var i = 0; i < m; i++)
        {
            ref var x = ref Unsafe.Add(ref a, 2 * i);
            var u = x;
            u = u >= twoQ ? u - twoQ : u;
            var v = Modulus.MulShoupLazy(Unsafe.Add(ref r, m + i), Unsafe.Add(ref rs, m + i), Unsafe.Add(ref x, 1), q);
            var sum = u + v;
            var difference = u - v + twoQ;
            sum = sum >= twoQ ? sum - twoQ : sum;
            difference = difference >= twoQ ? difference - twoQ : difference;
            x = sum >= q ? sum - q : sum;
            Unsafe.Add(ref x, 1) = difference >= q ? difference - q : difference;
        }
    }

    /// <summary>In place: evaluations in [0, q) back to coefficients in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Inverse(Span<ulong> values)
    {
        if (values.Length != Degree)
        {
            throw new ArgumentException($"Expected {Degree} values, got {values.Length}.", nameof(values));
        }

        var q = Modulus.Value;
        var twoQ = 2 * q;
        ref var a = ref MemoryMarshal.GetReference(values);
        var n = Degree;
        var t = 1;
        for (var m = n; m > 1; m >>= 1)
        {
            var h = m >> 1;
            if (vectors && t < Lanes.Width && n >= 2 * Lanes.Width)
            {
                NeighbourStage(ref a, t, h, inverseRoots, inverseRootsShoup, q, forward: false);
                t <<= 1;
                continue;
            }

            for (var i = 0; i < h; i++)
            {
                var w = inverseRoots[h + i];
                var ws = inverseRootsShoup[h + i];
                ref var x = ref Unsafe.Add(ref a, 2 * i * t);
                ref var y = ref Unsafe.Add(ref x, t);
                if (vectors && t >= Lanes.Width)
                {
                    InverseLanes(ref x, ref y, t, w, ws, q);
                    continue;
                }

                for (var j = 0; j < t; j++)
                {
                    var u = Unsafe.Add(ref x, j);
                    var v = Unsafe.Add(ref y, j);
                    var s = u + v;
                    Unsafe.Add(ref x, j) = s >= twoQ ? s - twoQ : s;
                    Unsafe.Add(ref y, j) = Modulus.MulShoupLazy(w, ws, u - v + twoQ, q);
                }
            }

            t <<= 1;
        }

        var start = 0;
        if (vectors)
        {
            var (d, ds, qv) = (Vector512.Create(degreeInverse), Vector512.Create(degreeInverseShoup), Vector512.Create(q));
            for (; start + Lanes.Width <= n; start += Lanes.Width)
            {
                Lanes.ReduceOnce(Lanes.MulShoupLazy(d, ds, Vector512.LoadUnsafe(ref a, (nuint)start), qv), qv).StoreUnsafe(ref a, (nuint)start);
            }
        }

        for (var j = start; j < n; j++)
        {
            var r = Modulus.MulShoupLazy(degreeInverse, degreeInverseShoup, Unsafe.Add(ref a, j), q);
            Unsafe.Add(ref a, j) = r >= q ? r - q : r;
        }
    }

    /// <summary>
    /// A whole stage whose butterflies pair values closer than a vector (t = 4, 2, 1) on vectors: each 16 values are
    /// split into the x and y halves of their blocks by two-source permutes, and put back after the butterflies. The
    /// forward transform's last stage (t = 1) also brings every value into [0, q), as the scalar one does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NeighbourStage(ref ulong a, int t, int blocks, ulong[] stageRoots, ulong[] stageShoup, ulong q, bool forward)
    {
        var (gatherX, gatherY, scatterA, scatterB, spread) = Neighbours[BitOperations.Log2((uint)t)];
        var (qv, twoQ) = (Vector512.Create(q), Vector512.Create(2 * q));
        ref var r = ref MemoryMarshal.GetArrayDataReference(stageRoots);
        ref var rs = ref MemoryMarshal.GetArrayDataReference(stageShoup);
        for (var j = 0; j < Degree; j += 2 * Lanes.Width)
        {
            var first = (nuint)(blocks + (j / (2 * t)));
            var w = Avx512F.PermuteVar8x64(Vector512.LoadUnsafe(ref r, first), spread);
            var ws = Avx512F.PermuteVar8x64(Vector512.LoadUnsafe(ref rs, first), spread);
            var low = Vector512.LoadUnsafe(ref a, (nuint)j);
            var high = Vector512.LoadUnsafe(ref a, (nuint)(j + Lanes.Width));
            var u = Avx512F.PermuteVar8x64x2(low, gatherX, high);
            var v = Avx512F.PermuteVar8x64x2(low, gatherY, high);
            Vector512<ulong> x, y;
            if (forward)
            {
                u = Lanes.ReduceOnce(u, twoQ);
                v = Lanes.MulShoupLazy(w, ws, v, qv);
                (x, y) = (u + v, u - v + twoQ);
                if (t == 1)
                {
                    (x, y) = (Lanes.ReduceOnce(Lanes.ReduceOnce(x, twoQ), qv), Lanes.ReduceOnce(Lanes.ReduceOnce(y, twoQ), qv));
                }
            }
            else
            {
                (x, y) = (Lanes.ReduceOnce(u + v, twoQ), Lanes.MulShoupLazy(w, ws, u - v + twoQ, qv));
            }

            Avx512F.PermuteVar8x64x2(x, scatterA, y).StoreUnsafe(ref a, (nuint)j);
            Avx512F.PermuteVar8x64x2(x, scatterB, y).StoreUnsafe(ref a, (nuint)(j + Lanes.Width));
        }
    }

    /// <summary>For 16 values in blocks of 2t (x then y): where the x and y lanes come from, where they go back, and which
    /// of the 16/(2t) consecutive roots each lane takes.</summary>
    private static (Vector512<ulong> GatherX, Vector512<ulong> GatherY, Vector512<ulong> ScatterA, Vector512<ulong> ScatterB, Vector512<ulong> Spread) NeighbourIndices(int t)
    {
        Span<ulong> gx = stackalloc ulong[8], gy = stackalloc ulong[8], back = stackalloc ulong[16], spread = stackalloc ulong[8];
        for (var lane = 0; lane < 8; lane++)
        {
            var (block, offset) = (lane / t, lane % t);
            gx[lane] = (ulong)((2 * t * block) + offset);
            gy[lane] = gx[lane] + (ulong)t;
            back[(int)gx[lane]] = (ulong)lane;
            back[(int)gy[lane]] = (ulong)(8 + lane);
            spread[lane] = (ulong)block;
        }

        return (Vector512.Create<ulong>(gx), Vector512.Create<ulong>(gy), Vector512.Create<ulong>(back[..8]), Vector512.Create<ulong>(back[8..]), Vector512.Create<ulong>(spread));
    }

    /// <summary>The forward butterflies of one block on vectors (t a multiple of the width): as the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardLanes(ref ulong x, ref ulong y, int t, ulong w, ulong ws, ulong q)
    {
        var (wv, wsv, qv, twoQ) = (Vector512.Create(w), Vector512.Create(ws), Vector512.Create(q), Vector512.Create(2 * q));
        for (var j = 0; j < t; j += Lanes.Width)
        {
            var u = Lanes.ReduceOnce(Vector512.LoadUnsafe(ref x, (nuint)j), twoQ);
            var v = Lanes.MulShoupLazy(wv, wsv, Vector512.LoadUnsafe(ref y, (nuint)j), qv);
            (u + v).StoreUnsafe(ref x, (nuint)j);
            (u - v + twoQ).StoreUnsafe(ref y, (nuint)j);
        }
    }

    /// <summary>The inverse butterflies of one block on vectors (t a multiple of the width): as the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseLanes(ref ulong x, ref ulong y, int t, ulong w, ulong ws, ulong q)
    {
        var (wv, wsv, qv, twoQ) = (Vector512.Create(w), Vector512.Create(ws), Vector512.Create(q), Vector512.Create(2 * q));
        for (var j = 0; j < t; j += Lanes.Width)
        {
            var u = Vector512.LoadUnsafe(ref x, (nuint)j);
            var v = Vector512.LoadUnsafe(ref y, (nuint)j);
            Lanes.ReduceOnce(u + v, twoQ).StoreUnsafe(ref x, (nuint)j);
            Lanes.MulShoupLazy(wv, wsv, u - v + twoQ, qv).StoreUnsafe(ref y, (nuint)j);
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    /// <summary>The smallest primitive 2N-th root of unity: deterministic, so both parties share one transform.</summary>
    private static ulong MinimalRoot(int degree, Modulus modulus)
    {
        var q = modulus.Value;
        var exponent = (q - 1) / (2UL * (ulong)degree);
        ulong best = 0;
        for (ulong g = 2; best == 0; g++)
        {
            var root = modulus.Pow(g, exponent);
            if (modulus.Pow(root, (ulong)degree) == q - 1)
            {
                best = root;
            }
        }

        // Every primitive 2N-th root is root^(odd); take the smallest for a canonical choice.
        var square = modulus.Mul(best, best);
        var candidate = best;
        var smallest = best;
        for (var i = 0; i < degree; i++)
        {
            smallest = Math.Min(smallest, candidate);
            candidate = modulus.Mul(candidate, square);
        }

        return smallest;
    }
}
