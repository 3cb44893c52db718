using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;

namespace Duet.Actors.Runtime;

/// <summary>Finishing (PROTOCOL.md §7, §10): this side's share in P's orientation, the reveal both ways, then Done
/// both ways; the session completes when its Done is sent and the peer's has matched.</summary>
internal sealed partial class Session
{
    private void StartFinishing(Agreed agreed, Streams streams)
    {
        statistics.Ended(SessionPhase.Streaming, clock.Elapsed);
        var share = agreed.Agreement.Orientation.FromCanonical(streams.Share, settings.Domain);
        if (settings.Reveal.ReachesSide(agreed.Agreement.Peer(settings.Side).Side))
        {
            foreach (var revealed in RevealAssembler.Split(sessionId, share, settings.BlockBytes))
            {
                SendToPeer(revealed, revealed.Values.Length);
            }
        }

        var finishing = new FinishingState(share);
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
    });

    /// <summary>Sends Done once the peer's share (if any) is complete, and completes once the peer's Done matched.</summary>
    private void TryFinish(Agreed agreed, Streams streams, FinishingState finishing)
    {
        if (!finishing.DoneSent && agreed.Reveal is not { Complete: false })
        {
            finishing.DoneSent = true;
            SendToPeer(streams.Received.ToDone(sessionId), 0);
        }

        if (!finishing.DoneSent || !streams.PeerDone)
        {
            return;
        }

        var product = agreed.Reveal is { } reveal ? Shares.Reconstruct(finishing.Share, reveal.Share, settings.Domain) : null;
        var facts = new SummaryFacts(
            sessionId, agreed.IsEncryptor, agreed.Agreement.Encryptor, agreed.Plan, Backends.Current, streams.Strategy,
            streams.Sent.Ciphertexts, streams.Received.Ciphertexts, streams.Out.MaxInFlight);
        var result = new PartyResult(finishing.Share, product, settings.Domain, agreed.Agreement.ProductFractionBits, statistics.Summary(facts, clock.Elapsed));
        job.Completion.TrySetResult(result);
        End();
    }

    /// <summary>This side's share of P and whether its Done went out.</summary>
    private sealed class FinishingState(Matrix<BigInteger> share)
    {
        public Matrix<BigInteger> Share { get; } = share;

        public bool DoneSent { get; set; }
    }
}
