using System.Numerics;
using Akka.Event;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Runtime;

/// <summary>Finishing (docs/protocol.md §7, §10): this side's share in P's orientation, the reveal both ways (Session.Reveal), then Done
/// both ways with the digest of the whole transcript, then Confirm both ways. The session completes, and its
/// host may commit output, only when the peer's Done matched this side's transcript and the peer confirmed this
/// side's Done: neither party finishes unless both checked.</summary>
internal sealed partial class Session
{
    private void StartFinishing(Agreed agreed, Streams streams)
    {
        statistics.Ended(SessionPhase.Streaming, clock.Elapsed);
        var finishing = new FinishingState(agreed.Output.Share());
        if (!StartRevealing(agreed, finishing))
        {
            return;
        }

        Become(() => Finishing(agreed, streams, finishing));
        TryFinish(agreed, streams, finishing);
    }

    private void Finishing(Agreed agreed, Streams streams, FinishingState finishing) => Phase("finishing", () =>
    {
        RepeatedHello(agreed);
        ReceiveCredit(streams, () => { });
        Receive<CiphertextBlock>(block =>
        {
            if (streams.Received.Inspect(block.BlockIndex, block.Ciphertexts, out _) != BlockArrival.Duplicate)
            {
                Unexpected(block, "finishing");
            }
        }, block => block.BlockIndex >= 0 && block.BlockIndex < streams.Received.Blocks);
        ReceiveDone(streams, () => TryFinish(agreed, streams, finishing));
        ReceiveRevealedShare(agreed, () => TryFinish(agreed, streams, finishing));
        ReceiveRevealMore(agreed, streams, finishing);
        ReceiveRevealCredit(finishing);
        Receive<Confirm>(_ =>
        {
            finishing.PeerConfirmed = true;
            TryFinish(agreed, streams, finishing);
        });
    });

    /// <summary>Sends Done once this side's transcript is complete (its share, if revealed, is sent and the peer's, if any, has arrived), then
    /// checks the peer's Done against it and confirms, and completes once the peer confirmed too.</summary>
    private void TryFinish(Agreed agreed, Streams streams, FinishingState finishing)
    {
        if (finishing.Digest is null && finishing.Sending is null && agreed.Reveal is not { Complete: false })
        {
            var received = agreed.Reveal?.Digest();
            var (byLeft, byRight) = settings.Side == OperandSide.Left ? (finishing.Revealed, received) : (received, finishing.Revealed);
            var (fromEncryptor, fromEvaluator) = agreed.IsEncryptor ? (streams.Sent, streams.Received) : (streams.Received, streams.Sent);
            finishing.Digest = Transcript.Digest(agreed.Agreement, streams.KeyDigest, fromEncryptor, fromEvaluator, byLeft, byRight);
            SendToPeer(new Done(sessionId, streams.Received.Ciphertexts, finishing.Digest), 0);
        }

        if (finishing.Digest is null || streams.PeerDone is not { } peerDone)
        {
            return;
        }

        if (!finishing.ConfirmSent)
        {
            if (peerDone.Count != streams.Sent.Ciphertexts || !peerDone.Digest.AsSpan().SequenceEqual(finishing.Digest))
            {
                Abort(AbortReason.PlanMismatch, $"the peer's Done does not match this party's transcript ({peerDone.Count} ciphertexts received, {streams.Sent.Ciphertexts} sent, or a different digest)");
                return;
            }

            // The host writes its outputs (not yet in place) before confirming: a party that cannot write aborts both.
            finishing.Result = Result(agreed, streams, finishing);
            try
            {
                job.PrepareOutputs?.Invoke(finishing.Result);
            }
            catch (Exception error)
            {
                log.Warning("session {0}: the outputs could not be written: {1}", sessionId, error.Message);
                Abort(AbortReason.Internal, OutputsFailed);
                return;
            }

            finishing.ConfirmSent = true;
            SendToPeer(new Confirm(sessionId), 0);
        }

        if (!finishing.PeerConfirmed)
        {
            return;
        }

        job.Completion.TrySetResult(finishing.Result! with { Statistics = statistics.Summary(Facts(agreed, streams), clock.Elapsed) });
        End();
    }

    private PartyResult Result(Agreed agreed, Streams streams, FinishingState finishing)
    {
        // A streamed run's product is the host's to write, from its two sinks.
        var product = agreed.Reveal?.Share is { } peerShare && finishing.Share is { } share ? Shares.Reconstruct(share, peerShare, settings.Domain) : null;
        return new PartyResult(finishing.Share, product, settings.Domain, agreed.Agreement.ProductFractionBits, statistics.Summary(Facts(agreed, streams), clock.Elapsed))
        {
            ProductShape = agreed.Agreement.ProductShape,
            TranscriptDigest = finishing.Digest!,
        };
    }

    private SummaryFacts Facts(Agreed agreed, Streams streams) => new(
        sessionId, agreed.IsEncryptor, agreed.Agreement.Encryptor, agreed.Plan, Backends.Current, streams.Strategy,
        streams.Sent.Ciphertexts, streams.Received.Ciphertexts, streams.Out.MaxInFlight, tiles.Cpu.Snapshot());

    /// <summary>This side's share of P (null when streamed to the host's sink), the reveal of it to the peer (if any),
    /// and how far the close went.</summary>
    private sealed class FinishingState(Matrix<BigInteger>? share)
    {
        public Matrix<BigInteger>? Share { get; } = share;

        /// <summary>The runs still to send while this side reveals its share; null before and after.</summary>
        public RevealSending? Sending { get; set; }

        /// <summary>The digest of the share this side revealed, set when its last run went out.</summary>
        public byte[]? Revealed { get; set; }

        /// <summary>This side's transcript digest, set when its Done went out.</summary>
        public byte[]? Digest { get; set; }

        public bool ConfirmSent { get; set; }

        /// <summary>The result as the host prepared its outputs from it, set just before Confirm went out.</summary>
        public PartyResult? Result { get; set; }

        public bool PeerConfirmed { get; set; }
    }
}
