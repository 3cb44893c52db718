using System.Numerics;
using Akka.Event;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Runtime;

/// <summary>What both streaming behaviours share (docs/protocol.md §9, §10): credit both ways, the check of every
/// received block, sending a block, the peer's Done and its revealed share.</summary>
internal sealed partial class Session
{
    /// <summary>Flow control: the peer's credit may only grow.</summary>
    private void ReceiveCredit(Streams streams, Action granted) => Receive<Credit>(credit =>
    {
        if (!streams.Out.Grant(credit.Granted))
        {
            Abort(AbortReason.UnexpectedMessage, $"credit went back from {streams.Out.Granted} to {credit.Granted}");
            return;
        }

        granted();
    });

    private void GrantCredit(Streams streams)
    {
        if (streams.In.Grant() is { } granted)
        {
            SendToPeer(new Credit(sessionId, granted), 0);
        }
    }

    private void BlockProcessed(Streams streams)
    {
        if (streams.In.MarkProcessed() is { } granted)
        {
            SendToPeer(new Credit(sessionId, granted), 0);
        }
    }

    /// <summary>Checks a received block against the plan, the ledger and the credit granted; false when it aborted
    /// or the block was an identical duplicate.</summary>
    private bool Admit(CiphertextBlock block, Streams streams, Func<int, (int First, int Count)> layout)
    {
        var (index, first, count, width, ciphertexts) = (block.BlockIndex, block.FirstIndex, block.Count, block.Width, block.Ciphertexts);
        if (index < 0 || index >= streams.In.Blocks || layout(index) != (first, count) || width != streams.ReceiveWidth || ciphertexts.Length != (long)count * width)
        {
            Abort(AbortReason.PlanMismatch, $"block {index} does not match the plan (first {first}, count {count}, width {width})");
            return false;
        }

        switch (streams.Received.Inspect(index, ciphertexts, out var digest))
        {
            case BlockArrival.Conflict:
                Abort(AbortReason.DuplicateMismatch, $"block {index} arrived twice with different contents");
                return false;
            case BlockArrival.Duplicate:
                log.Info("session {0}: identical duplicate of block {1} ignored", sessionId, index);
                return false;
        }

        if (!streams.In.Allows(index))
        {
            Abort(AbortReason.UnexpectedMessage, $"block {index} was sent beyond the granted window of {streams.In.Granted}");
            return false;
        }

        streams.Received.RecordDigest(index, digest, count);
        statistics.Received(ciphertexts.Length);
        return true;
    }

    private void SendBlock(Streams streams, CiphertextBlock block)
    {
        settings.TamperOutgoing?.Invoke(block.BlockIndex, block.Ciphertexts);
        streams.Sent.Record(block.BlockIndex, block.Ciphertexts, block.Count);
        streams.Out.MarkSent();
        SendToPeer(block, block.Ciphertexts.Length);
    }

    /// <summary>A tile that failed beyond retry ends the session: invalid ciphertexts with their own reason.</summary>
    private void TileFailed(TileFailed failed)
    {
        var reason = failed.Failure == TileFailure.InvalidCiphertext ? AbortReason.InvalidCiphertext : AbortReason.WorkerFailure;
        Abort(reason, $"{failed.Kind} {failed.Index} failed (attempt {failed.Attempt}): {failed.Detail}");
    }

    /// <summary>The peer's Done may come while this side still streams: it is kept, and checked against this side's
    /// transcript once that is complete (<see cref="TryFinish"/>).</summary>
    private void ReceiveDone(Streams streams, Action arrived) => Receive<Done>(done =>
    {
        if (streams.PeerDone is { } earlier && !earlier.Equals(done))
        {
            Abort(AbortReason.DuplicateMismatch, "the peer sent a second, different Done");
            return;
        }

        if (done.Count != streams.WillSend)
        {
            Abort(AbortReason.PlanMismatch, $"the peer's Done counts {done.Count} ciphertexts received; the plan sends it {streams.WillSend}");
            return;
        }

        streams.PeerDone = done;
        arrived();
    });

    /// <summary>The peer's share may come while this side still streams; only a party the product is revealed to
    /// takes it (otherwise it is unexpected), and grants the sender one more run for each it accepted.</summary>
    private void ReceiveRevealedShare(Agreed agreed, Action added)
    {
        if (agreed.Reveal is not { } reveal)
        {
            return;
        }

        Receive<RevealedShare>(revealed =>
        {
            if (reveal.Add(revealed) is { } problem)
            {
                Abort(problem.Reason, problem.Text);
                return;
            }

            statistics.Received(revealed.Values.Length);
            SendToPeer(new RevealCredit(sessionId, reveal.Runs + settings.Window), 0);
            added();
        });
    }

    /// <summary>The streaming data of one session, both directions.</summary>
    private sealed class Streams(IProductPlan plan, int window, bool encryptor, byte[] keyDigest)
    {
        public OutgoingWindow Out { get; } = new(encryptor ? plan.EncryptBlocks : plan.Tiles, window);

        public IncomingWindow In { get; } = new(encryptor ? plan.Tiles : plan.EncryptBlocks, window);

        public BlockLedger Sent { get; } = new(encryptor ? plan.EncryptBlocks : plan.Tiles);

        /// <summary>Ciphertexts this side sends in the whole session, by the plan.</summary>
        public long WillSend { get; } = encryptor ? plan.EncryptedCount : plan.ResultCount;

        public BlockLedger Received { get; } = new(encryptor ? plan.Tiles : plan.EncryptBlocks);

        /// <summary>Bytes per ciphertext this side sends (the same both ways under Paillier; BFV's replies are smaller).</summary>
        public int SendWidth { get; } = encryptor ? plan.EncryptedWidth : plan.ResultWidth;

        /// <summary>Bytes per ciphertext this side receives.</summary>
        public int ReceiveWidth { get; } = encryptor ? plan.ResultWidth : plan.EncryptedWidth;

        /// <summary>SHA-256 of the session's public key, for the transcript.</summary>
        public byte[] KeyDigest { get; } = keyDigest;

        public Done? PeerDone { get; set; }

        /// <summary>How the evaluator's preparation chose to evaluate, when its scheme has a choice.</summary>
        public string? Strategy { get; set; }

        /// <summary>Result tiles both parties committed before a resume: never computed, sent or received again.</summary>
        public TileRanges Skipped { get; init; } = TileRanges.Empty;
    }
}
