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

        var kept = Parameters.ReplyPrimes;
        var residues = ReplyResidues(reply, positions);
        Span<ulong> at = stackalloc ulong[kept];
        Span<ulong> message = stackalloc ulong[Parameters.Scaling.Words];
        for (var j = 0; j < positions.Length; j++)
        {
            for (var i = 0; i < kept; i++)
            {
                at[i] = residues[(i * positions.Length) + j];
            }

            Parameters.Scaling.DecodeReply(at, message);
            messages[j] = PlainScaling.FromWords(message);
        }
    }

    /// <summary>Bits of noise budget left in a reply: log2(q'/2) − log2 max |T·(c0 + c1·s) mod q'| over its positions.</summary>
    public double ReplyNoiseBudget(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions) =>
        Budget(ReplyPhases(reply, positions), Parameters.ReplyPrimes);

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

    private BigInteger[] ReplyPhases(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions)
    {
        var kept = Parameters.ReplyPrimes;
        var residues = ReplyResidues(reply, positions);
        var phases = new BigInteger[positions.Length];
        Span<ulong> at = stackalloc ulong[kept];
        for (var j = 0; j < positions.Length; j++)
        {
            for (var i = 0; i < kept; i++)
            {
                at[i] = residues[(i * positions.Length) + j];
            }

            phases[j] = Parameters.Scaling.Compose(at);
        }

        return phases;
    }

    /// <summary>c0 + c1·s mod each reply prime at each position (prime-major), c1 transformed at the reply primes.</summary>
    private ulong[] ReplyResidues(ReadOnlySpan<byte> reply, ReadOnlySpan<int> positions)
    {
        var n = Parameters.Degree;
        var kept = Parameters.ReplyPrimes;
        if (reply.Length != Wire.Bytes(Parameters, kept, positions.Length + n))
        {
            throw new InvalidCiphertextException("reply-size", $"A reply of {positions.Length} positions has {Wire.Bytes(Parameters, kept, positions.Length + n)} bytes, got {reply.Length}.");
        }

        var c0 = new ulong[kept * positions.Length];
        var c1 = new ulong[kept * n];
        var c0Bytes = Wire.Bytes(Parameters, kept, positions.Length);
        if (!Wire.ReadResidues(Parameters, kept, reply[..c0Bytes], c0) || !Wire.ReadResidues(Parameters, kept, reply[c0Bytes..], c1))
        {
            throw new InvalidCiphertextException("reply-range", "A reply coefficient is not below its prime.");
        }

        Polynomials.Forward(Parameters, c1, kept);
        MultiplyBySecret(c1, kept);
        Polynomials.Inverse(Parameters, c1, kept);
        for (var i = 0; i < kept; i++)
        {
            var p = Parameters.Primes[i];
            for (var j = 0; j < positions.Length; j++)
            {
                var k = (i * positions.Length) + j;
                c0[k] = p.Add(c0[k], c1[(i * n) + positions[j]]);
            }
        }

        return c0;
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
