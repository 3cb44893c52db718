using System.Security.Cryptography;
using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.State;

namespace Duet.Actors.Runtime;

/// <summary>The reveal (docs/protocol.md §7): this side's share goes to a peer entitled to the product as runs read back
/// lazily in P's row-major order, a few per turn of the mailbox, hashed for the transcript as they go, at most
/// <c>duet.flow.window</c> runs ahead of the peer's <see cref="RevealCredit"/> (so the transport never holds more than
/// that); the peer's share, when the product is revealed to this side, is collected into the host's second sink (or
/// memory).</summary>
internal sealed partial class Session
{
    /// <summary>Runs sent per turn of the mailbox: the share is read back as it is sent, never queued whole.</summary>
    private const int RevealRunsPerTurn = 4;

    /// <summary>The collector of the peer's share when the product is revealed to this side; false when the host's
    /// sink for it could not open (the session aborted).</summary>
    private bool OpenReveal(Agreement agreement, out RevealAssembler? reveal)
    {
        reveal = null;
        if (!settings.Reveal.ReachesSide(settings.Side))
        {
            return true;
        }

        var (rows, columns) = agreement.ProductShape;
        if (job.PeerSink is not { } sink)
        {
            reveal = new RevealAssembler(rows, columns, settings.Domain, agreement.Plan.ShareBits);
            return true;
        }

        reveal = Guarded(() =>
        {
            sink.Open(Layout(agreement));
            return new RevealAssembler(rows, columns, settings.Domain, agreement.Plan.ShareBits, sink);
        });
        return reveal is not null;
    }

    /// <summary>Starts sending this side's share when the peer is entitled to the product, once the journal knows the
    /// reveal began; false when that failed and the session aborted.</summary>
    private bool StartRevealing(Agreed agreed, FinishingState finishing)
    {
        if (!settings.Reveal.ReachesSide(agreed.Agreement.Peer(settings.Side).Side))
        {
            return true;
        }

        if (!Journal(agreed, journal => journal.RevealBegan()))
        {
            return false;
        }

        var (rows, columns) = agreed.Agreement.ProductShape;
        var runs = RevealAssembler.Split(sessionId, rows * columns, agreed.Output.Read, settings.BlockBytes).GetEnumerator();
        finishing.Sending = new RevealSending(runs, settings.Window);
        Self.Tell(RevealMore.Instance);
        return true;
    }

    /// <summary>The peer took more runs: send on (a grant that does not grow, or one after the last run, changes nothing).</summary>
    private void ReceiveRevealCredit(FinishingState finishing) => Receive<RevealCredit>(credit =>
    {
        if (finishing.Sending is { } sending && credit.Granted > sending.Granted)
        {
            sending.Granted = credit.Granted;
            Self.Tell(RevealMore.Instance);
        }
    });

    /// <summary>Sends the next few runs; after the last, the share's digest completes this side's transcript.</summary>
    private void ReceiveRevealMore(Agreed agreed, Streams streams, FinishingState finishing) => Receive<RevealMore>(_ =>
    {
        if (finishing.Sending is not { } sending)
        {
            return;
        }

        for (var i = 0; i < RevealRunsPerTurn; i++)
        {
            if (sending.Sent >= sending.Granted)
            {
                return; // the peer's next RevealCredit sends on
            }

            // Empty after the last run; null when the sink could not be read (the session aborted).
            if (Guarded<RevealedShare[]>(() => sending.Runs.MoveNext() ? [sending.Runs.Current] : []) is not { } next)
            {
                return;
            }

            if (next is not [var revealed])
            {
                finishing.Revealed = sending.Hash.GetHashAndReset();
                sending.Dispose();
                finishing.Sending = null;
                TryFinish(agreed, streams, finishing);
                return;
            }

            sending.Hash.AppendData(revealed.Values);
            SendToPeer(revealed, revealed.Values.Length);
            sending.Sent++;
        }

        Self.Tell(RevealMore.Instance);
    });

    /// <summary>The runs of this side's share still to send, the hash of those sent, and the peer's grant.</summary>
    private sealed class RevealSending(IEnumerator<RevealedShare> runs, int window) : IDisposable
    {
        public IEnumerator<RevealedShare> Runs { get; } = runs;

        /// <summary>Runs sent so far.</summary>
        public int Sent { get; set; }

        /// <summary>Runs the peer allows to have been sent: the window at first, then its cumulative grants.</summary>
        public int Granted { get; set; } = window;

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Dispose()
        {
            Runs.Dispose();
            Hash.Dispose();
        }
    }

    private sealed class RevealMore : INoSerializationVerificationNeeded
    {
        public static readonly RevealMore Instance = new();
    }
}
