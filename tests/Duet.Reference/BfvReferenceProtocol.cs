using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;

namespace Duet.Reference;

/// <summary>Both parties' shares of L·R from the BFV path, how the product was laid out, and what crossed the wire.</summary>
public sealed record BfvProtocolResult(
    Matrix<BigInteger> LeftShare,
    Matrix<BigInteger> RightShare,
    OperandSide Encryptor,
    CoefficientPlan Plan,
    BfvParameters Parameters,
    long BytesToEvaluator,
    long BytesToEncryptor,
    BfvTimings Timings);

/// <summary>Wall seconds of each step: the encryptor's keys and encryption, the evaluator's validation and work, decryption.</summary>
public sealed record BfvTimings(double Keys, double Encrypt, double Receive, double Evaluate, double Decrypt)
{
    public double Total => Keys + Encrypt + Receive + Evaluate + Decrypt;
}

/// <summary>
/// The BFV protocol in one process, without actors or a network: the oracle the runtime's BFV sessions are tested
/// against. Each step is the kernel a party runs; messages are local buffers. <see cref="ProtocolParameters.KeyBits"/>
/// does not apply to this scheme.
/// </summary>
public static class BfvReferenceProtocol
{
    /// <summary>The protocol on the plan <see cref="CoefficientPlan.Create"/> chooses, or on <paramref name="blocks"/>'s plan of the canonical shapes when given.</summary>
    public static BfvProtocolResult Run(
        Matrix<long> left, Matrix<long> right, ProtocolParameters parameters, OperandSide? encryptor = null, int parallelism = 0, Func<int, int, int, int, int, CoefficientPlan>? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(parameters);
        if (left.Columns != right.Rows)
        {
            throw new EncodingException($"Inner dimensions differ: {left.Rows}x{left.Columns} times {right.Rows}x{right.Columns}.");
        }

        FixedPoint.CheckBounds(left, parameters.LeftBits, "left operand");
        FixedPoint.CheckBounds(right, parameters.RightBits, "right operand");
        var orientation = encryptor is { } chosen ? new Orientation(chosen) : Orientation.BySize(left.Rows, left.Columns, right.Rows, right.Columns);
        var side = orientation.Encryptor;
        var (x, y, xBits, yBits) = PaillierReferenceProtocol.Canonical(left, right, parameters, orientation);
        var plan = blocks?.Invoke(x.Rows, x.Columns, y.Columns, xBits, yBits) ?? CoefficientPlan.Create(x.Rows, x.Columns, y.Columns, xBits, yBits, parameters.Sigma, parameters.Domain);
        var bfv = plan.CreateParameters();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lap = new List<double>();
        void Lap()
        {
            lap.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
        }

        // Encryptor: keys, public key and Y's blocks.
        var keys = new BfvKeyGenerator(bfv);
        var publicKey = keys.CreatePublicKey();
        var publicKeyBytes = new byte[publicKey.Bytes];
        publicKey.Write(publicKeyBytes);
        Lap();
        var width = bfv.SeededCiphertextBytes;
        var encrypted = new byte[(long)plan.EncryptedCount * width];
        var ownerEncryptor = new BfvEncryptor(keys.SecretKey);
        Parallel.For(0, plan.EncryptBlocks, options, block =>
        {
            var (first, count) = plan.EncryptBlock(block);
            BfvEncryptKernel.EncryptBlock(plan, y, ownerEncryptor, first, count, encrypted.AsSpan(first * width, count * width));
        });

        Lap();

        // Evaluator: validate what it received, multiply, mask, re-randomise, flood, switch.
        var evaluator = new BfvEvaluator(BfvPublicKey.Read(bfv, publicKeyBytes));
        var operands = new BfvOperand[plan.EncryptedCount];
        Parallel.For(0, operands.Length, options, i => operands[i] = BfvOperand.Read(bfv, encrypted.AsSpan(i * width, width)));
        Lap();
        var replyWidth = BfvDecryptKernel.ReplyBytes(plan, bfv);
        var replies = new byte[(long)plan.ResultCount * replyWidth];
        var evaluatorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        Parallel.For(0, plan.Tiles, options, tile =>
        {
            var (first, count) = plan.TileResults(tile);
            BfvEvaluateKernel.EvaluateTile(plan, evaluator, operands, x, tile, replies.AsSpan(first * replyWidth, count * replyWidth), evaluatorShare);
        });

        Lap();

        // Encryptor: decrypt its share.
        var encryptorShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        var decryptor = new BfvDecryptor(keys.SecretKey);
        Parallel.For(0, plan.Tiles, options, tile =>
        {
            var (first, count) = plan.TileResults(tile);
            BfvDecryptKernel.DecryptBlock(plan, decryptor, replies.AsSpan(first * replyWidth, count * replyWidth), first, count, encryptorShare);
        });

        Lap();
        var timings = new BfvTimings(lap[0], lap[1], lap[2], lap[3], lap[4]);
        var e = orientation.FromCanonical(encryptorShare, parameters.Domain);
        var v = orientation.FromCanonical(evaluatorShare, parameters.Domain);
        var toEvaluator = publicKeyBytes.Length + encrypted.LongLength;
        return side == OperandSide.Right
            ? new BfvProtocolResult(v, e, side, plan, bfv, toEvaluator, replies.LongLength, timings)
            : new BfvProtocolResult(e, v, side, plan, bfv, toEvaluator, replies.LongLength, timings);
    }
}
