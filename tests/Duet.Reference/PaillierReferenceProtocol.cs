using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Reference;

/// <summary>What both parties agree on before a product (docs/protocol.md §3, §4, §7).</summary>
public sealed record ProtocolParameters(int LeftBits, int RightBits, int KeyBits = 2048, int Sigma = PackingPlan.MinimumSigma, ShareDomain Domain = ShareDomain.Ring64);

/// <summary>Both parties' shares of L·R, each in the agreed domain, and how the product was computed.</summary>
public sealed record ProtocolResult(Matrix<BigInteger> LeftShare, Matrix<BigInteger> RightShare, OperandSide Encryptor, PackingPlan Plan, MultiExpStrategy Strategy);

/// <summary>
/// The whole protocol in one process, without actors or a network: the oracle the actor runtime is tested against.
/// Each step is the same kernel a party runs; only the message passing is replaced by local variables.
/// </summary>
public static class PaillierReferenceProtocol
{
    /// <summary>The canonical form: the evaluator's X (m×k) and the encryptor's Y (k×n) with their bit bounds.</summary>
    public static (Matrix<long> X, Matrix<long> Y, int XBits, int YBits) Canonical(Matrix<long> left, Matrix<long> right, ProtocolParameters parameters, Orientation orientation)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(orientation);
        return orientation.Encryptor == OperandSide.Right
            ? (orientation.ToCanonical(left), orientation.ToCanonical(right), parameters.LeftBits, parameters.RightBits)
            : (orientation.ToCanonical(right), orientation.ToCanonical(left), parameters.RightBits, parameters.LeftBits);
    }

    public static ProtocolResult Run(
        Matrix<long> left,
        Matrix<long> right,
        ProtocolParameters parameters,
        PaillierPrivateKey key,
        OperandSide? encryptor = null,
        int parallelism = 0,
        long memoryBudget = EvaluationBases.DefaultMemoryBudget,
        MultiExpStrategy? strategyOnly = null)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        if (left.Columns != right.Rows)
        {
            throw new EncodingException($"Inner dimensions differ: {left.Rows}x{left.Columns} times {right.Rows}x{right.Columns}.");
        }

        if (key.PublicKey.Bits != parameters.KeyBits)
        {
            throw new EncodingException($"The key has {key.PublicKey.Bits} bits; the parameters say {parameters.KeyBits}.");
        }

        FixedPoint.CheckBounds(left, parameters.LeftBits, "left operand");
        FixedPoint.CheckBounds(right, parameters.RightBits, "right operand");
        var orientation = encryptor is { } chosen ? new Orientation(chosen) : Orientation.BySize(left.Rows, left.Columns, right.Rows, right.Columns);
        var side = orientation.Encryptor;
        var (x, y, xBits, yBits) = Canonical(left, right, parameters, orientation);
        var plan = PackingPlan.Create(x.Rows, x.Columns, y.Columns, xBits, yBits, parameters.KeyBits, parameters.Sigma, parameters.Domain);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        var publicKey = key.PublicKey;
        using var peer = new PaillierContext(publicKey);
        var width = publicKey.CiphertextBytes;

        // Encryptor: pack and encrypt Y.
        var encrypted = new byte[plan.EncryptedCount * width];
        var ownerEncryptor = new PaillierEncryptor(key);
        Parallel.For(0, plan.EncryptBlocks, options, block =>
        {
            var (first, count) = plan.EncryptBlock(block);
            PaillierEncryptKernel.EncryptBlock(plan, y, ownerEncryptor, first, count, encrypted.AsSpan(first * width, count * width));
        });

        // Evaluator: validate what it received, multiply, mask, re-randomise.
        var operands = new Residue[plan.EncryptedCount];
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = peer.Arithmetic.NewResidue();
        }

        peer.ReadCiphertexts(encrypted, operands);
        var results = new byte[plan.ResultCount * width];
        var evaluatorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var evaluator = new PaillierEvaluator(peer);
        MultiExpStrategy strategy;
        using (var bases = EvaluationBases.Build(plan, peer, operands, memoryBudget, options.MaxDegreeOfParallelism, strategyOnly))
        {
            strategy = bases.Strategy;
            Parallel.For(0, plan.Tiles, options, tile =>
            {
                var (first, count) = plan.TileResults(tile);
                PaillierEvaluateKernel.EvaluateTile(bases, evaluator, x, tile, results.AsSpan(first * width, count * width), evaluatorShare);
            });
        }

        // Encryptor: decrypt its share.
        var encryptorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var decryptor = new PaillierDecryptor(key);
        Parallel.For(0, plan.Tiles, options, tile =>
        {
            var (first, count) = plan.TileResults(tile);
            PaillierDecryptKernel.DecryptBlock(plan, decryptor, results.AsSpan(first * width, count * width), first, count, encryptorShare);
        });

        var e = orientation.FromCanonical(encryptorShare, parameters.Domain);
        var v = orientation.FromCanonical(evaluatorShare, parameters.Domain);
        return side == OperandSide.Right
            ? new ProtocolResult(v, e, side, plan, strategy)
            : new ProtocolResult(e, v, side, plan, strategy);
    }
}
