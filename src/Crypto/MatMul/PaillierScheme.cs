using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

namespace Duet.Crypto.MatMul;

/// <summary>Paillier with slot packing (docs/protocol.md §4–§8) behind the scheme seam.</summary>
public sealed class PaillierScheme : IMatrixScheme
{
    public Scheme Id => Scheme.Paillier;

    public IProductPlan Plan(ProductShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return PackingPlan.Create(shape.Rows, shape.Inner, shape.Columns, shape.XBits, shape.YBits, shape.KeyBits, shape.Sigma, shape.Domain);
    }

    /// <summary>Why the encryptor's key form is refused, or null (docs/protocol.md §8): a fast key shortens the evaluator's
    /// re-randomisers on the key owner's word, so only the evaluator's own opt-in admits it.</summary>
    public static string? KeyFormRefusal(KeyForm form, bool acceptFastKey) =>
        form == KeyForm.Fast && !acceptFastKey
            ? "the encryptor's key is of the experimental fast form, which the evaluator does not accept (duet.session.accept-fast-key = off; the evaluator opts in with duet party --accept-fast-key)."
            : null;

    public IEncryptorKernels CreateEncryptor(IProductPlan plan, Matrix<long> y, EncryptorKeying keying)
    {
        ArgumentNullException.ThrowIfNull(keying);
        var packing = (PackingPlan)plan;
        var (key, owned) = keying switch
        {
            { Secret: { Length: > 0 } secret } => (PaillierPrivateKey.FromJson(System.Text.Encoding.UTF8.GetString(secret), keying.MinKeyBits), true),
            { Provided: PaillierPrivateKey provided } => (provided, false),
            _ => (PaillierKeyGenerator.Generate(packing.KeyBits, form: keying.Form), true),
        };

        if (key.PublicKey.Bits != packing.KeyBits)
        {
            if (owned)
            {
                key.Dispose();
            }

            throw new KeyRefusedException(KeyRefusal.Mismatch, $"the key has {key.PublicKey.Bits} bits, the handshake announced {packing.KeyBits}");
        }

        return new Encryptor(packing, y, key, owned, keying.Seed);
    }

    public IEvaluatorKernels CreateEvaluator(IProductPlan plan, ReadOnlySpan<byte> publicKey, EvaluatorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var packing = (PackingPlan)plan;
        var key = PaillierPublicKey.FromBytes(publicKey, policy.MinKeyBits);

        // The key is the binding claim: its form is checked against this party's own setting first.
        if (KeyFormRefusal(key.Form, policy.AcceptFastKey) is { } refusal)
        {
            throw new KeyRefusedException(KeyRefusal.FormRefused, refusal);
        }

        if (policy.Announced is { } announced && key.Form != announced)
        {
            throw new KeyRefusedException(
                KeyRefusal.Mismatch, $"the peer's key is of the {Words(key.Form)} form, its hello announced {Words(announced)}");
        }

        if (key.Bits != packing.KeyBits)
        {
            throw new KeyRefusedException(KeyRefusal.Mismatch, $"the peer's key has {key.Bits} bits, its hello announced {packing.KeyBits}");
        }

        return new Evaluator(packing, new PaillierContext(key), publicKey.ToArray());
    }

    private static string Words(KeyForm form) => form.ToString().ToLowerInvariant();

    private static void Check(PaillierContext key, ReadOnlySpan<byte> ciphertexts, int count)
    {
        var residues = new Residue[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                residues[i] = key.Arithmetic.NewResidue();
            }

            key.ReadCiphertexts(ciphertexts, residues);
        }
        finally
        {
            foreach (var residue in residues)
            {
                residue?.Dispose();
            }
        }
    }

    private sealed class Encryptor : IEncryptorKernels
    {
        private readonly PackingPlan plan;
        private readonly Matrix<long> y;
        private readonly PaillierPrivateKey key;
        private readonly bool ownsKey;
        private readonly PaillierEncryptor encryptor;
        private readonly PaillierDecryptor decryptor;

        public Encryptor(PackingPlan plan, Matrix<long> y, PaillierPrivateKey key, bool ownsKey, byte[] seed)
        {
            (this.plan, this.y, this.key, this.ownsKey) = (plan, y, key, ownsKey);
            key.ExpectEncryptions(plan.EncryptedCount);
            encryptor = new PaillierEncryptor(key, new EncryptionSeed(seed));
            decryptor = new PaillierDecryptor(key);
            PublicKey = key.PublicKey.ToBytes();
        }

        public IProductPlan Plan => plan;

        public byte[] PublicKey { get; }

        public byte[] ExportSecret() => System.Text.Encoding.UTF8.GetBytes(key.ToJson());

        public void Encrypt(int first, int count, Span<byte> output) => PaillierEncryptKernel.EncryptBlock(plan, y, encryptor, first, count, output);

        public void Decrypt(int tile, ReadOnlySpan<byte> results, Matrix<BigInteger> share)
        {
            var (first, count) = plan.TileResults(tile);
            var band = plan.Band(tile);
            PaillierDecryptKernel.DecryptBlock(plan, decryptor, results, first, count, share, band.FirstRow, band.FirstColumn);
        }

        public void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count) => Check(key.Context, ciphertexts, count);

        public void Dispose()
        {
            if (ownsKey)
            {
                key.Dispose();
            }
        }
    }

    private sealed class Evaluator : IEvaluatorKernels
    {
        private readonly PackingPlan plan;
        private readonly PaillierContext key;
        private readonly Residue[] operands;
        private readonly PaillierEvaluator evaluator;
        private EvaluationBases? bases;

        public Evaluator(PackingPlan plan, PaillierContext key, byte[] publicKey)
        {
            (this.plan, this.key, PublicKey) = (plan, key, publicKey);
            operands = new Residue[plan.EncryptedCount];
            for (var i = 0; i < operands.Length; i++)
            {
                operands[i] = key.Arithmetic.NewResidue();
            }

            evaluator = new PaillierEvaluator(key);
        }

        public IProductPlan Plan => plan;

        public byte[] PublicKey { get; }

        public string? Strategy => bases?.Strategy.ToString();

        public void Absorb(int first, int count, ReadOnlySpan<byte> ciphertexts)
        {
            if (first < 0 || count < 0 || first + count > operands.Length)
            {
                throw new InvalidCiphertextException("index", $"ciphertexts [{first}, {first + count}) lie outside the plan's {operands.Length}");
            }

            key.ReadCiphertexts(ciphertexts, new ArraySegment<Residue>(operands, first, count));
        }

        public byte[] Operands()
        {
            var width = key.Key.CiphertextBytes;
            var bytes = new byte[operands.Length * width];
            for (var i = 0; i < operands.Length; i++)
            {
                key.WriteCiphertext(operands[i], bytes.AsSpan(i * width, width));
            }

            return bytes;
        }

        public void Prepare(long memoryBudget, int parallelism) =>
            bases = EvaluationBases.Build(plan, key, operands, memoryBudget, parallelism);

        public void Evaluate(int tile, Matrix<long> x, RandomStream random, Span<byte> output, Matrix<BigInteger> share, KernelCpu? cpu)
        {
            var band = plan.Band(tile);
            var prepared = bases ?? throw new InvalidOperationException("tiles are evaluated only once the operand is prepared");
            PaillierEvaluateKernel.EvaluateTile(prepared, evaluator, x, tile, output, share, band.FirstRow, band.FirstColumn, cpu, band.FirstRow, random);
        }

        public void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count) => Check(key, ciphertexts, count);

        public void Dispose()
        {
            if (bases is not null)
            {
                bases.Dispose();
            }
            else
            {
                foreach (var residue in operands)
                {
                    residue.Dispose();
                }
            }

            key.Dispose();
        }
    }
}
