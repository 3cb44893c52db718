using Duet.Crypto;
using System.Numerics;
using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>Keying (PROTOCOL.md §8): the encryptor makes or loads its key and sends the public part; the evaluator
/// validates it. Either then starts streaming.</summary>
internal sealed partial class Session
{
    private void StartEncryptorKeying(Agreed agreed)
    {
        if (agreed.Plan.Lattice is { } lattice)
        {
            StartLatticeEncryptor(agreed, lattice);
            return;
        }

        Become(() => EncryptorKeying(agreed));
        if (settings.Key is not null)
        {
            Self.Tell(new KeyReady(settings.Key, Generated: false));
        }
        else
        {
            var bits = mine.KeyBits;
            var form = settings.KeyForm;
            Task.Run(() => new KeyReady(KeyGenerator.Generate(bits, form: form), Generated: true)).PipeTo(Self, failure: e => new KeyFailed(e));
        }
    }

    private void EncryptorKeying(Agreed agreed) => Phase("keying", () =>
    {
        RepeatedHello(agreed);
        Receive<KeyReady>(ready => OnKeyReady(agreed, ready));
        Receive<KeyFailed>(failed => Abort(AbortReason.Internal, $"key generation failed: {failed.Error.Message}"));
    });

    private void OnKeyReady(Agreed agreed, KeyReady ready)
    {
        if (ready.Generated)
        {
            tiles.Own(ready.Key);
        }

        var key = ready.Key.PublicKey;
        var plan = agreed.Plan.Paillier!;
        if (key.Bits != plan.KeyBits)
        {
            Abort(AbortReason.Incompatible, $"the key has {key.Bits} bits, the handshake announced {plan.KeyBits}");
            return;
        }

        if (EncryptionSeedOf() is not { } seed || !BeginJournal(agreed, ready.Key, seed))
        {
            return;
        }

        var n = key.N.ToByteArray(isUnsigned: true, isBigEndian: true);
        var hs = key.Hs.ToByteArray(isUnsigned: true, isBigEndian: true);
        SendToPeer(new PublicKeyMessage(sessionId, n, hs, key.OrderBits ?? 0), n.Length + hs.Length);
        var y = agreed.Operand.ReadAll();
        tiles.Attach(EncryptorKit.For(plan, y, ready.Key, seed, settings.FaultInjection));
        ShipToNodes(() => NodeSetup.ForEncryptor(sessionId, plan, y, ready.Key, seed));
        var streams = StartStreaming(agreed, key.CiphertextBytes, key.CiphertextBytes, Transcript.KeyDigest(key));
        Become(() => EncryptorStreaming(agreed, streams));
        GrantCredit(streams);
    }

    private void EvaluatorKeying(Agreed agreed) => Phase("keying", () =>
    {
        RepeatedHello(agreed);
        Receive<PublicKeyMessage>(key => OnPublicKey(agreed, key), _ => Sender.Path == peer.Path && agreed.Plan.Paillier is not null);
        Receive<LatticeKeyMessage>(key => OnLatticeKey(agreed, key), _ => Sender.Path == peer.Path && agreed.Plan.Lattice is not null);
    });

    private void OnPublicKey(Agreed agreed, PublicKeyMessage message)
    {
        statistics.Received(message.N.Length + message.Hs.Length);

        // The key message is the binding claim: its form is checked against this party's own setting before the key is built.
        var form = message.OrderBits == 0 ? KeyForm.Standard : KeyForm.Fast;
        if (Handshake.KeyFormRefusal(form, settings.AcceptFastKey) is { } refusal)
        {
            Abort(AbortReason.FastKeyRefused, refusal);
            return;
        }

        var announced = agreed.Agreement.Peer(settings.Side).KeyForm;
        if (form != announced)
        {
            Abort(AbortReason.PlanMismatch, $"the peer's key is of the {form.ToString().ToLowerInvariant()} form, its hello announced {announced.ToString().ToLowerInvariant()}");
            return;
        }

        PaillierPublicKey key;
        try
        {
            key = PaillierPublicKey.Create(
                new BigInteger(message.N, isUnsigned: true, isBigEndian: true),
                new BigInteger(message.Hs, isUnsigned: true, isBigEndian: true),
                settings.MinKeyBits,
                message.OrderBits == 0 ? null : message.OrderBits);
        }
        catch (InvalidKeyException error)
        {
            Abort(AbortReason.InvalidKey, $"the peer's public key failed the {error.Check} check: {error.Message}");
            return;
        }

        tiles.Own(key);
        var plan = agreed.Plan.Paillier!;
        if (key.Bits != plan.KeyBits)
        {
            Abort(AbortReason.PlanMismatch, $"the peer's key has {key.Bits} bits, its hello announced {plan.KeyBits}");
            return;
        }

        var keyDigest = Transcript.KeyDigest(key);
        if (!BeginJournal(agreed, null, []) || !AsJournaled(operand => operand.KeyDigest, keyDigest, "the encryptor's public key"))
        {
            return;
        }

        var operands = ResidueArray.Create(key, plan.EncryptedCount, tiles);
        var evaluation = new PaillierEvaluation(key, operands);
        var streams = StartStreaming(agreed, key.CiphertextBytes, key.CiphertextBytes, keyDigest);
        Become(() => EvaluatorStreaming(agreed, streams, evaluation));
        GrantCredit(streams);
    }

    /// <param name="sendWidth">Bytes of each ciphertext this side sends.</param>
    /// <param name="receiveWidth">Bytes of each ciphertext it receives.</param>
    /// <param name="keyDigest">The session's public key, for the transcript.</param>
    private Streams StartStreaming(Agreed agreed, int sendWidth, int receiveWidth, byte[] keyDigest)
    {
        statistics.Ended(SessionPhase.Keys, clock.Elapsed);
        var streams = new Streams(agreed.Plan, settings.Window, agreed.IsEncryptor, sendWidth, receiveWidth, keyDigest) { Skipped = agreed.Agreement.Skipped };
        SeedResumed(agreed, streams);
        return streams;
    }

    private sealed record KeyFailed(Exception Error) : INoSerializationVerificationNeeded;
}
