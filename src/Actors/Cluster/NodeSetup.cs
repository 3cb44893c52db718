using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Cluster;

/// <summary>
/// What a worker node needs to compute one Paillier session's tiles, shipped once per node (chunked in
/// <see cref="SetupPart"/>s): the plan's parameters and the key: for the encryptor its canonical operand Y and the
/// private key (as its key file text) for its encrypt and decrypt tiles; for the evaluator the peer's public key and its
/// encrypted operand, from which the node builds its own tables (the rows of X travel in each tile). The private key travels only over the
/// party's own mutual-TLS links (a documented trust decision, see the README).
/// </summary>
/// <param name="Operand">Encryptor only: Y (k×n); null for the evaluator.</param>
/// <param name="Key">Encryptor: the private key file (UTF-8 JSON); evaluator: the public key bytes.</param>
/// <param name="Ciphertexts">Evaluator only: the peer's encrypted operand, fixed-width, in the plan's order.</param>
/// <param name="Seed">The encryptor's encryption seed (<see cref="EncryptionSeed"/>) or the evaluator's mask seed
/// (<see cref="EvaluatorKit.MaskSeed"/>): a node computes every tile exactly as the session node would.</param>
internal sealed record NodeSetup(Guid SessionId, bool IsEncryptor, PackingPlan Plan, Matrix<long>? Operand, byte[] Key, byte[] Ciphertexts, byte[] Seed)
{
    /// <summary>The session's capability (<see cref="Tiles.SessionCapability"/>), which the node's tiles and results carry.</summary>
    public byte[] Capability { get; init; } = [];

    public static NodeSetup ForEncryptor(Guid sessionId, PackingPlan plan, Matrix<long> y, PaillierPrivateKey key, byte[] seed) =>
        new(sessionId, true, plan, y, System.Text.Encoding.UTF8.GetBytes(key.ToJson()), [], seed);

    /// <summary>The evaluator's set-up: the peer's key and the validated residues of its encrypted operand.</summary>
    public static NodeSetup ForEvaluator(Guid sessionId, PackingPlan plan, PaillierPublicKey key, IReadOnlyList<Crypto.Arithmetic.Residue> operands, byte[] maskSeed)
    {
        var width = key.CiphertextBytes;
        var ciphertexts = new byte[operands.Count * width];
        for (var i = 0; i < operands.Count; i++)
        {
            key.WriteCiphertext(operands[i], ciphertexts.AsSpan(i * width, width));
        }

        return new(sessionId, false, plan, null, key.ToBytes(), ciphertexts, maskSeed);
    }

    /// <summary>The shape the operand must have: Y (k×n) for the encryptor, none (0×0) for the evaluator.</summary>
    public (int Rows, int Columns) OperandShape => IsEncryptor ? (Plan.Inner, Plan.Columns) : (0, 0);

    /// <summary>The encoded set-up cut into parts of at most <paramref name="partBytes"/> bytes.</summary>
    public IEnumerable<SetupPart> Parts(int partBytes)
    {
        var bytes = Wire.NodeCodec.EncodeSetup(this);
        var parts = (int)((bytes.LongLength + partBytes - 1) / partBytes);
        for (var i = 0; i < parts; i++)
        {
            var start = i * partBytes;
            yield return new SetupPart(SessionId, i, parts, bytes[start..Math.Min(bytes.Length, start + partBytes)]);
        }
    }
}
