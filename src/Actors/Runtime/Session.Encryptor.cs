using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;

namespace Duet.Actors.Runtime;

/// <summary>Streaming as the encryptor: encrypt Y block by block as the peer's credit allows (docs/protocol.md §4), and
/// decrypt every result block into this party's share (§6).</summary>
internal sealed partial class Session
{
    private void EncryptorStreaming(Agreed agreed, Streams streams) => Phase("streaming", () =>
    {
        var plan = agreed.Plan;
        RepeatedHello(agreed);
        ReceiveCredit(streams, () =>
        {
            while (streams.Out.TryStart(out var block))
            {
                var (first, count) = plan.EncryptBlock(block);
                dispatcher.Tell(new EncryptTile(sessionId, block, 1, first, count));
            }
        });
        Receive<EncryptResult>(
            encrypted =>
            {
                statistics.TileSucceeded(encrypted.Attempt);
                var (first, count) = plan.EncryptBlock(encrypted.Index);
                SendBlock(streams, new EncryptedBlock(sessionId, encrypted.Index, first, count, streams.SendWidth, encrypted.Ciphertexts));
                Report("encrypt", streams.Out.Sent, plan.EncryptBlocks);

                // A resume that skips every result tile finishes once the operand is sent.
                if (streams.In.Complete && streams.Out.Complete)
                {
                    StartFinishing(agreed, streams);
                }
            },
            _ => FromDispatcher);
        Receive<ResultBlock>(
            block =>
            {
                if (Admit(block, streams, plan.TileResults))
                {
                    dispatcher.Tell(new DecryptTile(sessionId, block.BlockIndex, 1, block.FirstIndex, block.Count, block.Ciphertexts));
                }
            });
        Receive<DecryptResult>(
            decrypted =>
            {
                statistics.TileSucceeded(decrypted.Attempt);
                if (Keep(agreed, decrypted) is not { } band || !Committed(agreed, decrypted.Index, new CommittedTile(streams.Received.Digest(decrypted.Index), band)))
                {
                    return;
                }

                BlockProcessed(streams);
                ReportResults(agreed, "decrypt", streams.In.Processed, plan.Tiles);
                if (streams.In.Complete)
                {
                    StartFinishing(agreed, streams);
                }
            },
            _ => FromDispatcher);
        Receive<TileFailed>(TileFailed, _ => FromDispatcher);
        ReceiveDone(streams, () => { });
        ReceiveRevealedShare(agreed, () => { });
    });

    /// <summary>Tile results are taken from this session's dispatcher only, never from the peer.</summary>
    private bool FromDispatcher => Sender.Equals(dispatcher);
}
