using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto;
using Duet.Crypto.Encoding;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Runtime;

/// <summary>Keying (docs/protocol.md §8, docs/lattice.md), the same for every scheme: the encryptor makes or loads its
/// key in the background and sends the public part; the evaluator has its scheme validate it. Either then starts streaming.</summary>
internal sealed partial class Session
{
    private IMatrixScheme Scheme(Agreed agreed) => MatrixSchemes.Of(agreed.Plan.Scheme);

    private void StartEncryptorKeying(Agreed agreed)
    {
        if (EncryptionSeedOf() is not { } seed)
        {
            return;
        }

        Become(() => EncryptorKeying(agreed));
        var keying = new EncryptorKeying(seed, settings.Resume?.Secret, settings.Key, settings.KeyForm, settings.MinKeyBits);
        var (scheme, plan, operand) = (Scheme(agreed), agreed.Plan, agreed.Operand);
        Task.Run(() =>
        {
            var y = operand.ReadAll();
            return new KeyReady(scheme.CreateEncryptor(plan, y, keying), y, seed);
        }).PipeTo(Self, failure: e => new KeyFailed(e));
    }

    private void EncryptorKeying(Agreed agreed) => Phase("keying", () =>
    {
        RepeatedHello(agreed);
        Receive<KeyReady>(ready => OnKeyReady(agreed, ready));
        Receive<KeyFailed>(failed => Abort(
            failed.Error is KeyRefusedException or ValidationException ? AbortReason.Incompatible : AbortReason.Internal,
            $"the key could not be made: {failed.Error.Message}"));
    });

    private void OnKeyReady(Agreed agreed, KeyReady ready)
    {
        var kernels = ready.Kernels;
        tiles.Own(kernels);
        if (!BeginJournal(agreed, kernels.ExportSecret(), ready.Seed))
        {
            return;
        }

        var message = new KeyMessage(sessionId, kernels.PublicKey);
        SendToPeer(message, message.Key.Length);
        tiles.Attach(new EncryptorKit(kernels, settings.FaultInjection));
        ShipToNodes(() => NodeSetup.ForEncryptor(sessionId, kernels, ready.Y, ready.Seed));
        var streams = StartStreaming(agreed, Transcript.KeyDigest(message.Key));
        Become(() => EncryptorStreaming(agreed, streams));
        GrantCredit(streams);
    }

    private void EvaluatorKeying(Agreed agreed) => Phase("keying", () =>
    {
        RepeatedHello(agreed);
        Receive<KeyMessage>(key => OnKey(agreed, key), _ => Sender.Path == peer.Path);
    });

    private void OnKey(Agreed agreed, KeyMessage message)
    {
        statistics.Received(message.Key.Length);
        IEvaluatorKernels kernels;
        try
        {
            var policy = new EvaluatorPolicy(settings.MinKeyBits, settings.AcceptFastKey, agreed.Agreement.Peer(settings.Side).KeyForm);
            kernels = Scheme(agreed).CreateEvaluator(agreed.Plan, message.Key, policy);
        }
        catch (KeyRefusedException refused)
        {
            Abort(refused.Refusal == KeyRefusal.FormRefused ? AbortReason.FastKeyRefused : AbortReason.PlanMismatch, refused.Message);
            return;
        }
        catch (InvalidKeyException error)
        {
            Abort(AbortReason.InvalidKey, $"the peer's public key failed the {error.Check} check: {error.Message}");
            return;
        }

        tiles.Own(kernels);
        var keyDigest = Transcript.KeyDigest(message.Key);
        if (!BeginJournal(agreed, [], []) || !AsJournaled(operand => operand.KeyDigest, keyDigest, "the encryptor's public key"))
        {
            return;
        }

        var streams = StartStreaming(agreed, keyDigest);
        Become(() => EvaluatorStreaming(agreed, streams, new Evaluation(kernels)));
        GrantCredit(streams);
    }

    /// <param name="keyDigest">The session's public key, for the transcript.</param>
    private Streams StartStreaming(Agreed agreed, byte[] keyDigest)
    {
        statistics.Ended(SessionPhase.Keys, clock.Elapsed);
        var streams = new Streams(agreed.Plan, settings.Window, agreed.IsEncryptor, keyDigest) { Skipped = agreed.Agreement.Skipped };
        SeedResumed(agreed, streams);
        return streams;
    }

    /// <summary>The encryptor's kernels, made off the session thread, with the operand and seed they were made from.</summary>
    private sealed record KeyReady(IEncryptorKernels Kernels, Matrix<long> Y, byte[] Seed) : INoSerializationVerificationNeeded;

    private sealed record KeyFailed(Exception Error) : INoSerializationVerificationNeeded;
}
