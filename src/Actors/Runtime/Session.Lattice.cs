using Duet.Crypto;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Lattice;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>Keying of a BFV session (docs/lattice.md): the encryptor makes a fresh secret key for the plan's
/// parameters and sends the public key; the evaluator checks it against the plan. Streaming, finishing and the
/// transcript are those of every session.</summary>
internal sealed partial class Session
{
    private void StartLatticeEncryptor(Agreed agreed, CoefficientPlan plan)
    {
        var parameters = plan.CreateParameters();
        var keys = new BfvKeyGenerator(parameters);
        var publicKey = keys.CreatePublicKey();
        var bytes = new byte[publicKey.Bytes];
        publicKey.Write(bytes);
        var message = new LatticeKeyMessage(sessionId, parameters.Degree, parameters.Levels, parameters.PlainBits, bytes);
        SendToPeer(message, bytes.Length);
        tiles.Attach(new LatticeEncryptorKit(plan, agreed.Operand.ReadAll(), new BfvEncryptor(keys.SecretKey), new BfvDecryptor(keys.SecretKey), settings.FaultInjection));
        var streams = StartStreaming(agreed, parameters.SeededCiphertextBytes, LatticeDecryptKernel.ReplyBytes(plan, parameters), Transcript.KeyDigest(message));
        Become(() => EncryptorStreaming(agreed, streams));
        GrantCredit(streams);
    }

    private void OnLatticeKey(Agreed agreed, LatticeKeyMessage message)
    {
        statistics.Received(message.Key.Length);
        var plan = agreed.Plan.Lattice!;
        var parameters = plan.CreateParameters();
        if (message.Degree != parameters.Degree || message.Primes != parameters.Levels || message.PlainBits != parameters.PlainBits)
        {
            Abort(AbortReason.PlanMismatch, $"the peer's BFV key is for N = {message.Degree}, {message.Primes} primes, T = 2^{message.PlainBits}; the plan has {parameters}");
            return;
        }

        BfvPublicKey key;
        try
        {
            key = BfvPublicKey.Read(parameters, message.Key);
        }
        catch (InvalidKeyException error)
        {
            Abort(AbortReason.InvalidKey, $"the peer's BFV public key failed the {error.Check} check: {error.Message}");
            return;
        }

        var evaluation = new LatticeEvaluation(key, new BfvOperand[plan.EncryptedCount]);
        var streams = StartStreaming(agreed, LatticeDecryptKernel.ReplyBytes(plan, parameters), parameters.SeededCiphertextBytes, Transcript.KeyDigest(message));
        Become(() => EvaluatorStreaming(agreed, streams, evaluation));
        GrantCredit(streams);
    }

    /// <summary>The peer's BFV public key and its fresh ciphertexts, validated and prepared for products as they arrive.</summary>
    private sealed class LatticeEvaluation(BfvPublicKey key, BfvOperand[] operands) : Evaluation
    {
        public BfvPublicKey Key { get; } = key;

        public BfvOperand[] Operands { get; } = operands;

        public override void Read(CiphertextBlock block)
        {
            for (var i = 0; i < block.Count; i++)
            {
                Operands[block.FirstIndex + i] = BfvOperand.Read(Key.Parameters, block.Ciphertexts.AsSpan(i * block.Width, block.Width));
            }
        }
    }
}
