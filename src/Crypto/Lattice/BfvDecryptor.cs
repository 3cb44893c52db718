using System.Runtime.CompilerServices;
using System.Numerics;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Lattice;

/// <summary>Decryption by the key owner: replies at the reply primes, and its own fresh ciphertexts (for noise checks).</summary>
public sealed class BfvDecryptor(BfvSecretKey key)
{
    private readonly BfvSecretKey key = key ?? throw new ArgumentNullException(nameof(key));

    public BfvParameters Parameters => key.Parameters;

    /// <summary>The messages mod T at the positions the reply carries (the plan's positions, in order).</summary>
    public void DecryptReply(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions, Span<BigInteger> messages)
    {
        if (messages.Length != positions.Length)
        {
            throw new ArgumentException("One message per position.", nameof(messages));
        }

        var modulus = Parameters.Reply;
        var words = modulus.Words;
        var phases = ReplyPhases(reply, positions);
        for (var j = 0; j < positions.Length; j++)
        {
            var x = phases.AsSpan(j * words, words);
            modulus.RoundDown(x, modulus.Bits - Parameters.PlainBits);
            messages[j] = PlainScaling.FromWords(x);
        }
    }

    /// <summary>Bits of noise budget left in a reply: log2(2^w/2) − log2 max |T·(c0 + c1·s) mod 2^w| over its positions.</summary>
    public double ReplyNoiseBudget(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions)
    {
        var modulus = Parameters.Reply;
        var phases = ReplyPhases(reply, positions);
        var (scale, full) = (BigInteger.One << (modulus.Bits - Parameters.PlainBits), BigInteger.One << modulus.Bits);
        var worst = 0.0;
        for (var j = 0; j < positions.Length; j++)
        {
            var x = PlainScaling.FromWords(phases.AsSpan(j * modulus.Words, modulus.Words));
            var noise = (x + (scale >> 1)) % scale - (scale >> 1);
            worst = Math.Max(worst, noise.IsZero ? 0 : BigInteger.Log(BigInteger.Abs(noise), 2));
        }

        return modulus.Bits - 1 - Parameters.PlainBits - worst;
    }

    /// <summary>log2 max |T·(c0 + c1·s) mod q| over the positions of a ciphertext at every prime in the coefficient domain (noise checks).</summary>
    internal double InvariantNoiseBits(ReadOnlySpan<ulong> c0, ReadOnlySpan<ulong> c1, ReadOnlySpan<int> positions)
    {
        var (n, levels) = (Parameters.Degree, Parameters.Levels);
        var product = c1.ToArray();
        Polynomials.Forward(Parameters, product, levels);
        MultiplyBySecret(product, levels);
        Polynomials.Inverse(Parameters, product, levels);
        Span<ulong> residues = stackalloc ulong[levels];
        var worst = 0.0;
        foreach (var j in positions)
        {
            for (var i = 0; i < levels; i++)
            {
                residues[i] = Parameters.Primes[i].Add(c0[(i * n) + j], product[(i * n) + j]);
            }

            worst = Math.Max(worst, Parameters.Scaling.NoiseBits(Parameters.Scaling.Compose(residues), levels));
        }

        return worst;
    }

    /// <summary>All N messages of a fresh ciphertext (seed and c0).</summary>
    public BigInteger[] DecryptFresh(ReadOnlySpan<byte> ciphertext)
    {
        var phases = FreshPhases(ciphertext);
        return Array.ConvertAll(phases, x => Parameters.Scaling.Decode(x, Parameters.Levels));
    }

    public double FreshNoiseBudget(ReadOnlySpan<byte> ciphertext) => Budget(FreshPhases(ciphertext), Parameters.Levels);

    private double Budget(BigInteger[] phases, int level)
    {
        var worst = phases.Max(x => Parameters.Scaling.NoiseBits(x, level));
        return BigInteger.Log(Parameters.Scaling.Modulus(level), 2) - 1 - worst;
    }

    /// <summary>c0 + c1·s mod 2^w at each position (words per position): c1·s computed exactly at the reply primes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong[] ReplyPhases(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions)
    {
        var n = Parameters.Degree;
        var kept = Parameters.ReplyPrimes;
        var modulus = Parameters.Reply;
        var words = modulus.Words;
        if (reply.Length != Parameters.ReplyBytes(positions.Length))
        {
            throw new InvalidCiphertextException("reply-size", $"A reply of {positions.Length} positions has {Parameters.ReplyBytes(positions.Length)} bytes, got {reply.Length}.");
        }

        var reader = new BitReader(reply);
        var c0 = new ulong[positions.Length * words];
        for (var j = 0; j < positions.Length; j++)
        {
            reader.Read(c0.AsSpan(j * words, words), Parameters.ResultBits);
        }

        var c1 = new ulong[kept * n];
        Span<ulong> value = stackalloc ulong[words];
        for (var j = 0; j < n; j++)
        {
            reader.Read(value, modulus.Bits);
            for (var i = 0; i < kept; i++)
            {
                c1[(i * n) + j] = modulus.Reduce(value, i);
            }
        }

        if (!reader.AtCleanEnd)
        {
            throw new InvalidCiphertextException("reply-padding", "A reply's padding bits are not zero.");
        }

        Polynomials.Forward(Parameters, c1, kept);
        MultiplyBySecret(c1, kept);
        Polynomials.Inverse(Parameters, c1, kept);
        var phases = new ulong[positions.Length * words];
        Span<ulong> residues = stackalloc ulong[kept];
        for (var j = 0; j < positions.Length; j++)
        {
            for (var i = 0; i < kept; i++)
            {
                residues[i] = c1[(i * n) + positions[j]];
            }

            var x = phases.AsSpan(j * words, words);
            modulus.Lift(residues, x);
            modulus.AddShifted(x, c0.AsSpan(j * words, words), modulus.Bits - Parameters.ResultBits);
        }

        return phases;
    }

    private BigInteger[] FreshPhases(ReadOnlySpan<byte> ciphertext)
    {
        var operand = BfvOperand.Read(Parameters, ciphertext);
        var n = Parameters.Degree;
        var levels = Parameters.Levels;
        var c1 = (ulong[])operand.A.Clone();
        MultiplyBySecret(c1, levels);
        var sum = new ulong[levels * n];
        for (var i = 0; i < levels; i++)
        {
            var p = Parameters.Primes[i];
            for (var j = i * n; j < (i + 1) * n; j++)
            {
                sum[j] = p.Add(operand.C0[j], c1[j]);
            }
        }

        Polynomials.Inverse(Parameters, sum, levels);
        var phases = new BigInteger[n];
        Span<ulong> residues = stackalloc ulong[levels];
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < levels; i++)
            {
                residues[i] = sum[(i * n) + j];
            }

            phases[j] = Parameters.Scaling.Compose(residues);
        }

        return phases;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MultiplyBySecret(Span<ulong> values, int level)
    {
        var n = Parameters.Degree;
        for (var i = 0; i < level; i++)
        {
            var p = Parameters.Primes[i];
            for (var j = i * n; j < (i + 1) * n; j++)
            {
                values[j] = p.MulShoup(key.Ntt[j], key.NttShoup[j], values[j]);
            }
        }
    }
}
