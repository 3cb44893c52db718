using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Duet.Crypto.Encoding;
using Duet.Crypto.Schemes;

namespace Duet.Crypto.Lattice;

/// <summary>BFV with coefficient encoding (docs/lattice.md) behind the scheme seam.</summary>
public sealed class BfvScheme : IMatrixScheme
{
    /// <summary>Bytes of the key message's parameters ahead of the key: N, the number of primes and τ.</summary>
    private const int HeaderBytes = 3 * sizeof(int);

    public Scheme Id => Scheme.Bfv;

    public IProductPlan Plan(ProductShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return CoefficientPlan.Create(shape.Rows, shape.Inner, shape.Columns, shape.XBits, shape.YBits, shape.Sigma, shape.Domain, shape.LinkMbps);
    }

    public IEncryptorKernels CreateEncryptor(IProductPlan plan, Matrix<long> y, EncryptorKeying keying)
    {
        ArgumentNullException.ThrowIfNull(keying);
        var coefficients = (CoefficientPlan)plan;
        var parameters = coefficients.CreateParameters();
        if (keying.Secret is { Length: > 0 } secret && secret.Length != Xof.SeedBytes)
        {
            throw new InvalidKeyException("secret", $"a BFV secret is a {Xof.SeedBytes}-byte seed, not {secret.Length} bytes");
        }

        var keys = keying.Secret is { Length: > 0 } kept ? new BfvKeyGenerator(parameters, kept) : new BfvKeyGenerator(parameters);
        return new Encryptor(coefficients, y, keys, keying.Seed);
    }

    public IEvaluatorKernels CreateEvaluator(IProductPlan plan, ReadOnlySpan<byte> publicKey, EvaluatorPolicy policy)
    {
        var coefficients = (CoefficientPlan)plan;
        var parameters = coefficients.CreateParameters();
        if (publicKey.Length < HeaderBytes)
        {
            throw new InvalidKeyException("format", $"a BFV key message has at least {HeaderBytes} bytes, got {publicKey.Length}");
        }

        var (degree, primes, plainBits) = (
            BinaryPrimitives.ReadInt32BigEndian(publicKey),
            BinaryPrimitives.ReadInt32BigEndian(publicKey[4..]),
            BinaryPrimitives.ReadInt32BigEndian(publicKey[8..]));
        if (degree != parameters.Degree || primes != parameters.Levels || plainBits != parameters.PlainBits)
        {
            throw new KeyRefusedException(
                KeyRefusal.Mismatch, $"the peer's BFV key is for N = {degree}, {primes} primes, T = 2^{plainBits}; the plan has {parameters}");
        }

        var key = BfvPublicKey.Read(parameters, publicKey[HeaderBytes..]);
        return new Evaluator(coefficients, key, publicKey.ToArray());
    }

    private static byte[] KeyMessage(BfvPublicKey key)
    {
        var parameters = key.Parameters;
        var bytes = new byte[HeaderBytes + key.Bytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, parameters.Degree);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), parameters.Levels);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), parameters.PlainBits);
        key.Write(bytes.AsSpan(HeaderBytes));
        return bytes;
    }

    private sealed class Encryptor(CoefficientPlan plan, Matrix<long> y, BfvKeyGenerator keys, byte[] seed) : IEncryptorKernels
    {
        private static readonly byte[] Label = "duet bfv encrypt v1"u8.ToArray();
        private readonly BfvEncryptor encryptor = new(keys.SecretKey);
        private readonly BfvDecryptor decryptor = new(keys.SecretKey);

        public IProductPlan Plan => plan;

        public byte[] PublicKey { get; } = KeyMessage(keys.CreatePublicKey());

        public byte[] ExportSecret() => keys.Seed.ToArray();

        /// <summary>Each operand's randomness comes from the seed, its index and its plaintext, so the same operand
        /// encrypts to the same ciphertext and two different ones never share randomness.</summary>
        public void Encrypt(int first, int count, Span<byte> output)
        {
            var width = plan.EncryptedWidth;
            if (first < 0 || count < 0 || first + count > plan.EncryptedCount || output.Length != count * width)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "The block lies outside the plan or the output has the wrong size.");
            }

            var message = new long[plan.Degree];
            for (var index = first; index < first + count; index++)
            {
                BfvEncryptKernel.Encode(plan, y, index / plan.ColumnBlocks, index % plan.ColumnBlocks, message);
                using var random = Randomness(index, message);
                encryptor.Encrypt(message, output.Slice((index - first) * width, width), random);
            }
        }

        public void Decrypt(int tile, ReadOnlySpan<byte> results, Matrix<BigInteger> share)
        {
            var (first, count) = plan.TileResults(tile);
            var band = plan.Band(tile);
            BfvDecryptKernel.DecryptBlock(plan, decryptor, results, first, count, share, band.FirstRow, band.FirstColumn);
        }

        public void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count)
        {
            var width = plan.EncryptedWidth;
            if (ciphertexts.Length != (long)count * width)
            {
                throw new InvalidCiphertextException("count", $"expected {count} ciphertexts of {width} bytes, got {ciphertexts.Length} bytes");
            }

            for (var i = 0; i < count; i++)
            {
                Wire.ReadSeeded(keys.SecretKey.Parameters, ciphertexts.Slice(i * width, width), "ciphertext", (check, message) => new InvalidCiphertextException(check, message));
            }
        }

        public void Dispose()
        {
        }

        private Xof Randomness(int index, ReadOnlySpan<long> message)
        {
            var info = new byte[Label.Length + sizeof(int) + (SHA256.HashSizeInBits / 8)];
            Label.CopyTo(info, 0);
            BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(Label.Length), index);
            SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(message), info.AsSpan(Label.Length + sizeof(int)));
            using var stream = new RandomStream(seed, info);
            Span<byte> xofSeed = stackalloc byte[Xof.SeedBytes];
            stream.Fill(xofSeed);
            var xof = new Xof(xofSeed);
            CryptographicOperations.ZeroMemory(xofSeed);
            return xof;
        }
    }

    private sealed class Evaluator(CoefficientPlan plan, BfvPublicKey key, byte[] publicKey) : IEvaluatorKernels
    {
        private readonly BfvEvaluator evaluator = new(key);
        private readonly BfvOperand[] operands = new BfvOperand[plan.EncryptedCount];
        private readonly byte[] received = new byte[plan.EncryptedCount * plan.EncryptedWidth];

        public IProductPlan Plan => plan;

        public byte[] PublicKey { get; } = publicKey;

        public string? Strategy => null;

        public void Absorb(int first, int count, ReadOnlySpan<byte> ciphertexts)
        {
            var width = plan.EncryptedWidth;
            if (first < 0 || count < 0 || first + count > operands.Length)
            {
                throw new InvalidCiphertextException("index", $"ciphertexts [{first}, {first + count}) lie outside the plan's {operands.Length}");
            }

            if (ciphertexts.Length != (long)count * width)
            {
                throw new InvalidCiphertextException("count", $"expected {count} ciphertexts of {width} bytes, got {ciphertexts.Length} bytes");
            }

            for (var i = 0; i < count; i++)
            {
                operands[first + i] = BfvOperand.Read(key.Parameters, ciphertexts.Slice(i * width, width));
            }

            ciphertexts.CopyTo(received.AsSpan(first * width));
        }

        public byte[] Operands() => received;

        public void Prepare(long memoryBudget, int parallelism)
        {
            if (Array.IndexOf(operands, null) is var missing and >= 0)
            {
                throw new InvalidOperationException($"operand {missing} was never received");
            }
        }

        public void Evaluate(int tile, Matrix<long> x, RandomStream random, Span<byte> output, Matrix<BigInteger> share, KernelCpu? cpu)
        {
            var band = plan.Band(tile);
            BfvEvaluateKernel.EvaluateTile(plan, evaluator, operands, x, tile, output, share, band.FirstRow, band.FirstColumn, band.FirstRow, random, cpu);
        }

        public void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count)
        {
            var (width, parameters) = (plan.ResultWidth, key.Parameters);
            if (ciphertexts.Length != (long)count * width)
            {
                throw new InvalidCiphertextException("count", $"expected {count} replies of {width} bytes, got {ciphertexts.Length} bytes");
            }

            for (var i = 0; i < count; i++)
            {
                if (!Wire.IsCanonicalReply(parameters, plan.PositionsPerResult, ciphertexts.Slice(i * width, width)))
                {
                    throw new InvalidCiphertextException("reply-padding", "a reply's padding bits are not zero");
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
