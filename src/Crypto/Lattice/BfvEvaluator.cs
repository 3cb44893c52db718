using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The evaluator's operations: plaintext×ciphertext products accumulated in the NTT domain, and the reply —
/// re-randomisation with a public-key encryption of zero, flooding noise, modulus switching to 2^w, the mask, and
/// serialisation of the result coefficients of c0 with the whole c1. It holds only the public key.
/// </summary>
public sealed class BfvEvaluator
{
    private readonly BfvPublicKey key;

    public BfvEvaluator(BfvPublicKey key)
    {
        this.key = key ?? throw new ArgumentNullException(nameof(key));
        Parameters = key.Parameters;
    }

    public BfvParameters Parameters { get; }

    /// <summary>Polynomial size in words at the full level: the size of a plaintext transform or an accumulator half.</summary>
    public int PolynomialWords => Parameters.Levels * Parameters.Degree;

    /// <summary>64-bit words per mask coefficient (mod T = 2^τ).</summary>
    public int MaskWords => Parameters.Scaling.Words;

    /// <summary>Bytes of a reply carrying this many c0 coefficients.</summary>
    public int ReplyBytes(int positions) => Parameters.ReplyBytes(positions);

    /// <summary>A plaintext with small signed coefficients (at most N), in NTT form at every prime.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TransformPlain(ReadOnlySpan<long> coefficients, Span<ulong> ntt)
    {
        var n = Parameters.Degree;
        if (coefficients.Length > n || ntt.Length != PolynomialWords)
        {
            throw new ArgumentException($"At most {n} coefficients into {PolynomialWords} words.", nameof(ntt));
        }

        for (var i = 0; i < Parameters.Levels; i++)
        {
            var p = Parameters.Primes[i];
            var row = ntt.Slice(i * n, n);
            row.Clear();
            for (var j = 0; j < coefficients.Length; j++)
            {
                row[j] = p.ReduceSigned(coefficients[j]);
            }

            Parameters.Transform(i).Forward(row);
        }
    }

    /// <summary>(acc0, acc1) += plain·(c0, a), everything in NTT form; accumulators start at zero and stay in [0, 2q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MultiplyAccumulate(ReadOnlySpan<ulong> plain, BfvOperand operand, Span<ulong> acc0, Span<ulong> acc1)
    {
        ArgumentNullException.ThrowIfNull(operand);
        var n = Parameters.Degree;
        if (plain.Length != PolynomialWords || acc0.Length != PolynomialWords || acc1.Length != PolynomialWords)
        {
            throw new ArgumentException($"Operands have {PolynomialWords} words.", nameof(plain));
        }

        for (var i = 0; i < Parameters.Levels; i++)
        {
            var p = Parameters.Primes[i];
            var range = new Range(i * n, (i + 1) * n);
            MultiplyAdd(p, plain[range], operand.C0.AsSpan(range), operand.C0Shoup.AsSpan(range), acc0[range]);
            MultiplyAdd(p, plain[range], operand.A.AsSpan(range), operand.AShoup.AsSpan(range), acc1[range]);
        }
    }

    /// <summary>
    /// Turns the accumulated product into a reply (destroys the accumulators): adds a public-key encryption of zero,
    /// uniform flooding noise in [−2^floodBits, 2^floodBits) on the result coefficients of c0, switches every sent
    /// coefficient to 2^w, adds the mask (one per position, τ bits) times 2^(w−τ), and writes c0 at the given positions
    /// rounded to their top <see cref="BfvParameters.ResultBits"/> bits, then all of c1. Its randomness comes from
    /// <paramref name="random"/> when given, else from the CSPRNG.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reply(Span<ulong> acc0, Span<ulong> acc1, ReadOnlySpan<ulong> mask, int floodBits, ReadOnlySpan<int> positions, Span<byte> output, Xof? random = null)
    {
        var n = Parameters.Degree;
        if (acc0.Length != PolynomialWords || acc1.Length != PolynomialWords || mask.Length != positions.Length * MaskWords || output.Length != ReplyBytes(positions.Length))
        {
            throw new ArgumentException("Accumulators, mask or output have the wrong size.", nameof(output));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(floodBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floodBits, 127);
        using var fresh = random is null ? Xof.Fresh() : null;
        Rerandomise(acc0, acc1, floodBits, positions, random ?? fresh!);
        var reply = Parameters.Reply;
        var writer = new BitWriter(output);
        Span<ulong> residues = stackalloc ulong[Parameters.Levels];
        Span<ulong> value = stackalloc ulong[reply.Words];
        for (var j = 0; j < positions.Length; j++)
        {
            Gather(acc0, positions[j], residues);
            reply.Switch(residues, value);
            reply.AddShifted(value, mask.Slice(j * MaskWords, MaskWords), reply.Bits - Parameters.PlainBits);
            reply.RoundDown(value, reply.Bits - Parameters.ResultBits);
            writer.Write(value, Parameters.ResultBits);
        }

        for (var j = 0; j < n; j++)
        {
            Gather(acc1, j, residues);
            reply.Switch(residues, value);
            writer.Write(value, reply.Bits);
        }

        writer.Finish();
    }

    /// <summary>(acc0, acc1) + a public-key encryption of zero + flooding on the positions of c0, in the coefficient domain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Rerandomise(Span<ulong> acc0, Span<ulong> acc1, int floodBits, ReadOnlySpan<int> positions, Xof xof)
    {
        AddEncryptionOfZero(xof, acc0, acc1);
        ReduceLazy(acc0);
        ReduceLazy(acc1);
        Polynomials.Inverse(Parameters, acc0, Parameters.Levels);
        Polynomials.Inverse(Parameters, acc1, Parameters.Levels);
        AddNoise(xof, acc0, acc1, positions, floodBits);
    }

    /// <summary>The residues of coefficient j at every prime.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gather(ReadOnlySpan<ulong> polynomial, int j, Span<ulong> residues)
    {
        for (var i = 0; i < residues.Length; i++)
        {
            residues[i] = polynomial[(i * Parameters.Degree) + j];
        }
    }

    /// <summary>acc += x·w with acc kept lazily in [0, 2q): one comparison per product (q &lt; 2^62).</summary>
    private static void MultiplyAdd(Modulus p, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> w, ReadOnlySpan<ulong> wShoup, Span<ulong> acc) =>
        MultiplyAdd(p, x, w, wShoup, acc, Lanes.Supported);

    /// <summary>As above, on vectors only if asked and the CPU has them (tests compare both paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyAdd(Modulus p, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> w, ReadOnlySpan<ulong> wShoup, Span<ulong> acc, bool vectors)
    {
        var q = p.Value;
        var twoQ = 2 * q;
        ref var a = ref MemoryMarshal.GetReference(acc);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ws = ref MemoryMarshal.GetReference(w);
        ref var wq = ref MemoryMarshal.GetReference(wShoup);
        var start = 0;
        if (vectors && Lanes.Supported)
        {
            var (qv, twoQv) = (Vector512.Create(q), Vector512.Create(twoQ));
            for (; start + Lanes.Width <= acc.Length; start += Lanes.Width)
            {
                var i = (nuint)start;
                var product = Lanes.MulShoupLazy(Vector512.LoadUnsafe(ref ws, i), Vector512.LoadUnsafe(ref wq, i), Vector512.LoadUnsafe(ref xs, i), qv);
                Lanes.ReduceOnce(Vector512.LoadUnsafe(ref a, i) + product, twoQv).StoreUnsafe(ref a, i);
            }
        }

        for (var j = start; j < acc.Length; j++)
        {
            var s = Unsafe.Add(ref a, j) + Modulus.MulShoupLazy(Unsafe.Add(ref ws, j), Unsafe.Add(ref wq, j), Unsafe.Add(ref xs, j), q);
            Unsafe.Add(ref a, j) = s >= twoQ ? s - twoQ : s;
        }
    }

    /// <summary>Brings lazily accumulated values from [0, 2q) into [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReduceLazy(Span<ulong> acc)
    {
        var n = Parameters.Degree;
        for (var i = 0; i < Parameters.Levels; i++)
        {
            var q = Parameters.Primes[i].Value;
            foreach (ref var v in acc.Slice(i * n, n))
            {
                v = v >= q ? v - q : v;
            }
        }
    }

    /// <summary>(acc0, acc1) += (b·u, a·u) with u uniform ternary: NTT form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddEncryptionOfZero(Xof xof, Span<ulong> acc0, Span<ulong> acc1)
    {
        var n = Parameters.Degree;
        var u = new sbyte[n];
        for (var j = 0; j < n; j++)
        {
            u[j] = (sbyte)xof.NextTernary();
        }

        var row = new ulong[n];
        for (var i = 0; i < Parameters.Levels; i++)
        {
            var p = Parameters.Primes[i];
            for (var j = 0; j < n; j++)
            {
                row[j] = p.ReduceSigned(u[j]);
            }

            Parameters.Transform(i).Forward(row);
            var range = new Range(i * n, (i + 1) * n);
            MultiplyAdd(p, row, key.B.AsSpan(range), key.BShoup.AsSpan(range), acc0[range]);
            MultiplyAdd(p, row, key.A.AsSpan(range), key.AShoup.AsSpan(range), acc1[range]);
        }
    }

    /// <summary>Coefficient domain: c0 += e0 + flood at the positions (no other coefficient of c0 is sent), c1 += e1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddNoise(Xof xof, Span<ulong> c0, Span<ulong> c1, ReadOnlySpan<int> positions, int floodBits)
    {
        var n = Parameters.Degree;
        var floodOffset = UInt128.One << floodBits;
        foreach (var j in positions)
        {
            var e0 = xof.NextCenteredBinomial(BfvParameters.ErrorBound);
            var draw = xof.NextBits(floodBits + 1);
            var negative = draw < floodOffset;
            var magnitude = negative ? floodOffset - draw : draw - floodOffset;
            for (var i = 0; i < Parameters.Levels; i++)
            {
                var p = Parameters.Primes[i];
                var flood = p.Reduce(magnitude);
                flood = negative ? p.Negate(flood) : flood;
                var k = (i * n) + j;
                c0[k] = p.Add(c0[k], p.Add(p.ReduceSigned(e0), flood));
            }
        }

        for (var j = 0; j < n; j++)
        {
            var e1 = xof.NextCenteredBinomial(BfvParameters.ErrorBound);
            for (var i = 0; i < Parameters.Levels; i++)
            {
                var p = Parameters.Primes[i];
                c1[(i * n) + j] = p.Add(c1[(i * n) + j], p.ReduceSigned(e1));
            }
        }
    }
}
