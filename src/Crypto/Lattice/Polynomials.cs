using System.Runtime.CompilerServices;
namespace Duet.Crypto.Lattice;

/// <summary>RNS polynomials as flat arrays: prime i's residues at [i·N, (i+1)·N).</summary>
internal static class Polynomials
{
    /// <summary>The uniform polynomial a (NTT form) expanded from a public seed, identical on both sides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong[] Uniform(BfvParameters parameters, ReadOnlySpan<byte> seed, int level)
    {
        var n = parameters.Degree;
        var a = new ulong[level * n];
        using var xof = new Xof(seed);
        for (var i = 0; i < level; i++)
        {
            var q = parameters.Primes[i].Value;
            var row = a.AsSpan(i * n, n);
            for (var j = 0; j < n; j++)
            {
                row[j] = xof.NextBelow(q);
            }
        }

        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong[] ShoupOf(BfvParameters parameters, ulong[] values)
    {
        var n = parameters.Degree;
        var result = new ulong[values.Length];
        for (var i = 0; i < values.Length / n; i++)
        {
            var p = parameters.Primes[i];
            for (var j = i * n; j < (i + 1) * n; j++)
            {
                result[j] = p.Shoup(values[j]);
            }
        }

        return result;
    }

    /// <summary>
    /// c0 = NTT(Δ·m + e) − a·s at every prime, with a from the seed and e centered binomial from the noise stream:
    /// the first half of a secret-key encryption of m (zero when m is empty).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SymmetricEncrypt(BfvSecretKey key, ReadOnlySpan<byte> seed, Xof noise, ReadOnlySpan<long> message, Span<ulong> c0)
    {
        var parameters = key.Parameters;
        var n = parameters.Degree;
        var levels = parameters.Levels;
        var error = new int[n];
        for (var j = 0; j < n; j++)
        {
            error[j] = noise.NextCenteredBinomial(BfvParameters.ErrorBound);
        }

        var a = Uniform(parameters, seed, levels);
        for (var i = 0; i < levels; i++)
        {
            var p = parameters.Primes[i];
            var row = c0.Slice(i * n, n);
            for (var j = 0; j < n; j++)
            {
                row[j] = p.ReduceSigned(error[j]);
            }
        }

        Span<ulong> words = stackalloc ulong[parameters.Scaling.Words];
        Span<ulong> scaled = stackalloc ulong[levels];
        for (var j = 0; j < message.Length; j++)
        {
            if (message[j] != 0)
            {
                parameters.Scaling.FromSigned(message[j], words);
                parameters.Scaling.Scale(words, scaled);
                for (var i = 0; i < levels; i++)
                {
                    c0[(i * n) + j] = parameters.Primes[i].Add(c0[(i * n) + j], scaled[i]);
                }
            }
        }

        for (var i = 0; i < levels; i++)
        {
            var p = parameters.Primes[i];
            var row = c0.Slice(i * n, n);
            parameters.Transform(i).Forward(row);
            var s = key.Ntt.AsSpan(i * n, n);
            var sShoup = key.NttShoup.AsSpan(i * n, n);
            var ai = a.AsSpan(i * n, n);
            for (var j = 0; j < n; j++)
            {
                row[j] = p.Sub(row[j], p.MulShoup(s[j], sShoup[j], ai[j]));
            }
        }
    }

    /// <summary>Inverse NTT of the first level primes of a flat polynomial.</summary>
    public static void Inverse(BfvParameters parameters, Span<ulong> values, int level)
    {
        var n = parameters.Degree;
        for (var i = 0; i < level; i++)
        {
            parameters.Transform(i).Inverse(values.Slice(i * n, n));
        }
    }

    public static void Forward(BfvParameters parameters, Span<ulong> values, int level)
    {
        var n = parameters.Degree;
        for (var i = 0; i < level; i++)
        {
            parameters.Transform(i).Forward(values.Slice(i * n, n));
        }
    }
}
