using Duet.Crypto.Encoding;
using Duet.Actors.Tiles;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Cluster;

/// <summary>
/// What a worker node needs to compute one session's tiles, shipped once per node (chunked in <see cref="SetupPart"/>s):
/// the scheme and the shape its plan is derived from; for the encryptor its canonical operand Y and its exported secret
/// key for its encrypt and decrypt tiles; for the evaluator the peer's public key and its encrypted operand, which the
/// node validates and prepares itself (the rows of X travel in each tile). The secret key travels only over the
/// party's own mutual-TLS links (a documented trust decision, see docs/security.md).
/// </summary>
/// <param name="Operand">Encryptor only: Y (k×n); null for the evaluator.</param>
/// <param name="Key">Encryptor: the exported secret key; evaluator: the peer's public key as its key message carried it.</param>
/// <param name="Ciphertexts">Evaluator only: the peer's encrypted operand, fixed-width, in the plan's order.</param>
/// <param name="Seed">The encryptor's encryption seed or the evaluator's mask seed (<see cref="EvaluatorKit.MaskSeed"/>):
/// a node computes every tile exactly as the session node would.</param>
internal sealed record NodeSetup(Guid SessionId, bool IsEncryptor, IProductPlan Plan, Matrix<long>? Operand, byte[] Key, byte[] Ciphertexts, byte[] Seed)
{
    /// <summary>The session's capability (<see cref="Tiles.SessionCapability"/>), which the node's tiles and results carry.</summary>
    public byte[] Capability { get; init; } = [];

    public static NodeSetup ForEncryptor(Guid sessionId, IEncryptorKernels kernels, Matrix<long> y, byte[] seed) =>
        new(sessionId, true, kernels.Plan, y, kernels.ExportSecret(), [], seed);

    /// <summary>The evaluator's set-up: the peer's key and its validated encrypted operand.</summary>
    public static NodeSetup ForEvaluator(Guid sessionId, IEvaluatorKernels kernels, byte[] maskSeed) =>
        new(sessionId, false, kernels.Plan, null, kernels.PublicKey, kernels.Operands(), maskSeed);

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
