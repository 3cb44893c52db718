using System.Numerics;
using Duet.Crypto.Lattice;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests.Lattice;

public sealed class BfvTests
{
    private static readonly BfvParameters Small = BfvParameters.Create(4096, [36, 36, 36], replyPrimes: 2, plainBits: 20);

    [Fact]
    public void FreshCiphertextsDecryptWithTheExpectedNoiseBudget()
    {
        var keys = new BfvKeyGenerator(Small);
        var encryptor = new BfvEncryptor(keys.SecretKey);
        var decryptor = new BfvDecryptor(keys.SecretKey);
        var random = new Random(7);
        var message = new long[Small.Degree];
        for (var i = 0; i < message.Length; i++)
        {
            message[i] = random.NextInt64(-(1L << 19), 1L << 19);
        }

        message[0] = (1L << 19) - 1;
        message[1] = -(1L << 19);
        var ciphertext = new byte[Small.SeededCiphertextBytes];
        encryptor.Encrypt(message, ciphertext);
        var decrypted = decryptor.DecryptFresh(ciphertext);
        for (var i = 0; i < message.Length; i++)
        {
            Assert.Equal(new BigInteger(message[i]) & ((1 << 20) - 1), decrypted[i]);
        }

        // Fresh noise is |e + rounding| ≤ 21.5: the budget is log2(q/2) − log2(T·21.5) at most, and far above zero.
        var budget = decryptor.FreshNoiseBudget(ciphertext);
        var bound = Small.CoefficientBits - 1 - 20 - Math.Log2(21.5);
        Assert.InRange(budget, bound - 1.5, bound + 8);
    }

    [Fact]
    public void PlaintextTimesCiphertextReplyDecryptsToTheNegacyclicProduct()
    {
        var keys = new BfvKeyGenerator(Small);
        var evaluator = new BfvEvaluator(keys.CreatePublicKey());
        var decryptor = new BfvDecryptor(keys.SecretKey);
        var n = Small.Degree;
        var random = new Random(3);
        var y = new long[n];
        var x = new long[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = random.Next(-1000, 1000);
            x[i] = random.Next(-3, 4);
        }

        var ciphertext = new byte[Small.SeededCiphertextBytes];
        new BfvEncryptor(keys.SecretKey).Encrypt(y, ciphertext);
        var operand = BfvOperand.Read(Small, ciphertext);
        var plain = new ulong[evaluator.PolynomialWords];
        evaluator.TransformPlain(x, plain);
        var acc0 = new ulong[evaluator.PolynomialWords];
        var acc1 = new ulong[evaluator.PolynomialWords];
        evaluator.MultiplyAccumulate(plain, operand, acc0, acc1);
        int[] positions = [0, 1, 5, 17, n - 1];
        var mask = new ulong[positions.Length];
        mask[2] = 12345;
        var reply = new byte[evaluator.ReplyBytes(positions.Length)];
        evaluator.Reply(acc0, acc1, mask, floodBits: 10, positions, reply);

        var messages = new BigInteger[positions.Length];
        decryptor.DecryptReply(reply, positions, messages);
        var product = NegacyclicModPowerOfTwo(x, y, 20);
        for (var j = 0; j < positions.Length; j++)
        {
            var expected = (product[positions[j]] + (positions[j] == 5 ? 12345UL : 0)) & ((1UL << 20) - 1);
            Assert.Equal(new BigInteger(expected), messages[j]);
        }

        Assert.True(decryptor.ReplyNoiseBudget(reply, positions) >= 1); // rounding to 2^w and to c0's top bits leaves 1.5–4 bits by design
    }

    [Fact]
    public void ProductsAccumulateAlikeOnVectorsAndScalars()
    {
        var p = new Modulus(Primes.NttFriendly(8192, [61])[0]);
        var random = new Random(13);
        var length = 8192 + 5; // a tail the vectors leave to the scalar loop
        var x = Enumerable.Range(0, length).Select(_ => (ulong)random.NextInt64((long)p.Value)).ToArray();
        var w = Enumerable.Range(0, length).Select(_ => (ulong)random.NextInt64((long)p.Value)).ToArray();
        w[0] = x[0] = p.Value - 1;
        var wShoup = w.Select(p.Shoup).ToArray();
        var start = Enumerable.Range(0, length).Select(_ => (ulong)random.NextInt64(2 * (long)p.Value)).ToArray();
        var (vector, scalar) = ((ulong[])start.Clone(), (ulong[])start.Clone());
        BfvEvaluator.MultiplyAdd(p, x, w, wShoup, vector, vectors: true);
        BfvEvaluator.MultiplyAdd(p, x, w, wShoup, scalar, vectors: false);
        Assert.Equal(scalar, vector);
        for (var j = 0; j < length; j++)
        {
            Assert.True(scalar[j] < 2 * p.Value);
            Assert.Equal(p.Add(p.Reduce(start[j]), p.Mul(x[j], w[j])), p.Reduce(scalar[j]));
        }
    }

    [Fact]
    public void ReceivedValuesAreValidated()
    {
        var keys = new BfvKeyGenerator(Small);
        var publicKey = keys.CreatePublicKey();
        var bytes = new byte[publicKey.Bytes];
        publicKey.Write(bytes);
        var roundTrip = BfvPublicKey.Read(Small, bytes);
        Assert.Equal(publicKey.Bytes, roundTrip.Bytes);
        Assert.Throws<InvalidKeyException>(() => BfvPublicKey.Read(Small, bytes.AsSpan(1)));
        var tampered = (byte[])bytes.Clone();
        tampered.AsSpan(Xof.SeedBytes, 5).Fill(0xFF); // the first 36-bit residue reads 2^36 − 1, above its prime
        Assert.Throws<InvalidKeyException>(() => BfvPublicKey.Read(Small, tampered));

        var ciphertext = new byte[Small.SeededCiphertextBytes];
        new BfvEncryptor(keys.SecretKey).Encrypt([1, 2, 3], ciphertext);
        ciphertext.AsSpan(ciphertext.Length - 5).Fill(0xFF); // the last residue reads 2^36 − 1
        Assert.Throws<InvalidCiphertextException>(() => BfvOperand.Read(Small, ciphertext));
        Assert.Throws<InvalidCiphertextException>(() => BfvOperand.Read(Small, ciphertext.AsSpan(0, 100)));
        var decryptor = new BfvDecryptor(keys.SecretKey);
        Assert.Throws<InvalidCiphertextException>(() => decryptor.DecryptReply(new byte[10], [0], new BigInteger[1]));
    }

    [Fact]
    public void ParametersAreValidatedAgainstTheStandard()
    {
        Assert.Equal(109, BfvParameters.MaxCoefficientBits(4096));
        Assert.Equal(218, BfvParameters.MaxCoefficientBits(8192));
        Assert.Equal(438, BfvParameters.MaxCoefficientBits(16384));
        Assert.Throws<Duet.Crypto.Encoding.EncodingException>(() => BfvParameters.Create(4096, [60, 50], 1, 20));
        Assert.Throws<Duet.Crypto.Encoding.EncodingException>(() => BfvParameters.Create(2048, [50], 1, 20));
        Assert.Throws<Duet.Crypto.Encoding.EncodingException>(() => BfvParameters.Create(8192, [60, 60], 3, 20));
        Assert.Throws<Duet.Crypto.Encoding.EncodingException>(() => BfvParameters.Create(8192, [60, 60], 1, 257));
        var ok = BfvParameters.Create(4096, [60, 49], 1, 20);
        Assert.Equal(109, ok.CoefficientBits);
    }

    /// <summary>Σ x_i·y_j X^(i+j) mod X^N + 1, mod 2^bits (wrapping 64-bit arithmetic is exact mod 2^bits).</summary>
    internal static ulong[] NegacyclicModPowerOfTwo(long[] x, long[] y, int bits)
    {
        var n = x.Length;
        var result = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            if (x[i] == 0)
            {
                continue;
            }

            for (var j = 0; j < n; j++)
            {
                var term = unchecked((ulong)(x[i] * y[j]));
                var k = i + j;
                if (k < n)
                {
                    result[k] += term;
                }
                else
                {
                    result[k - n] -= term;
                }
            }
        }

        return Array.ConvertAll(result, v => bits == 64 ? v : v & ((1UL << bits) - 1));
    }
}
