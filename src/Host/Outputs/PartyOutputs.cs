using System.Runtime.ExceptionServices;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Crypto.MatMul;
using Duet.Host.Files;

namespace Duet.Host.Outputs;

/// <summary>
/// A party's share, its metadata and the product, written in two phases around the session's close: prepared
/// (written under temporary names) before this party confirms, so that a party that cannot write aborts both;
/// committed (renamed into place) once the session completed; discarded otherwise. With <paramref name="streamed"/>
/// the share is written as the tiles finish (<see cref="Sink"/>) and only finished at the prepare step; with a
/// <paramref name="journal"/> plan it goes to a partial share that a journal (<see cref="Journal"/>) makes resumable,
/// kept with the journal when the run fails before its prepare step. A streamed run that the product is
/// <paramref name="revealed"/> to receives the peer's share into a second, temporary file (<see cref="PeerSink"/>),
/// and the product is added from both files at the prepare step.
/// </summary>
internal sealed class PartyOutputs : IDisposable
{
    private readonly string sharePath;
    private readonly string productPath;
    private readonly OperandSide side;
    private readonly StreamedShareFile? streamedShare;
    private readonly StreamedShareFile? peerShare;
    private readonly PartyJournal? journal;
    private MatrixFileAccess.PreparedOutputs? prepared;
    private Exception? failure;
    private bool prepareStarted;

    public PartyOutputs(string sharePath, string productPath, OperandSide side, bool streamed = false, JournalPlan? journal = null, bool revealed = false, bool delivered = false)
    {
        (this.sharePath, this.productPath, this.side) = (sharePath, productPath, side);
        if (streamed)
        {
            streamedShare = new StreamedShareFile(sharePath, journal is null ? null : SessionJournalFile.PartialFor(sharePath), journal?.Resumed is not null);
            if (delivered)
            {
                streamedShare.ReadAfterFinish();
            }

            this.journal = journal is null ? null : new PartyJournal(sharePath, streamedShare, journal);
            peerShare = revealed ? StreamedShareFile.ForPeerShare(productPath, journaled: journal is not null) : null;
        }
    }

    /// <summary>The runtime's sink for the share in a streamed run; null otherwise.</summary>
    public IShareSink? Sink => streamedShare is null ? null : new Recording(streamedShare, this);

    /// <summary>The runtime's sink for the peer's revealed share in a streamed run the product is revealed to; null otherwise.</summary>
    public IShareSink? PeerSink => peerShare is null ? null : new Recording(peerShare, this);

    /// <summary>True once the prepare step wrote a product file (revealed in memory or added from the two shares).</summary>
    public bool ProductWritten { get; private set; }

    /// <summary>The runtime's journal in a journaled run; null otherwise.</summary>
    public ISessionJournal? Journal => journal is null ? null : new RecordingJournal(journal, this);

    /// <summary>After the commit, the streamed share as a delivery reads it back from its file; null when it was held in memory.</summary>
    public ShareSource? DeliverySource(PartyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (streamedShare is null)
        {
            return null;
        }

        streamedShare.OpenFinished();
        var layout = streamedShare.Layout;
        return new ShareSource(result.Statistics.SessionId, side, result.Domain, result.ProductFractionBits, layout.Rows, layout.Columns, result.TranscriptDigest, streamedShare.Read);
    }

    /// <summary>The journal kept after a failed run (it can be resumed), or null.</summary>
    public PartyJournal? KeptJournal { get; private set; }

    /// <summary>Called by the session on an actor thread, before it confirms.</summary>
    public void Prepare(PartyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            prepareStarted = true;
            prepared = MatrixFileAccess.Prepare(() =>
            {
                if (result.Product is not null)
                {
                    OutputFiles.WriteProduct(productPath, result.Product, result.ProductFractionBits);
                }
                else if (peerShare is not null && streamedShare is not null)
                {
                    // Added from both files before the share's own file is finished (a CSV share's records go then).
                    StreamedProductFile.Write(productPath, streamedShare, peerShare, streamedShare.Layout);
                }

                if (result.Share is { } share)
                {
                    OutputFiles.WriteShare(sharePath, share, result.Domain);
                }
                else
                {
                    (streamedShare ?? throw new InvalidOperationException("the runtime streamed a share that no file receives")).Finish();
                }

                ShareMetadata.Of(result, side).WriteBeside(sharePath);
                peerShare?.Dispose();
            });
            ProductWritten = result.Product is not null || peerShare is not null;
        }
        catch (Exception error)
        {
            failure = error;
            throw;
        }
    }

    /// <summary>The session's outcome: on success the files are renamed into place; when the session aborted because
    /// this party could not write, that write failure is what the user is told.</summary>
    public async Task<PartyResult> CommitAfter(Task<PartyResult> session)
    {
        ArgumentNullException.ThrowIfNull(session);
        PartyResult result;
        try
        {
            result = await session.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            KeepOrDeleteJournal();
            if (error is SessionAbortedException && failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }

        if (prepared is null)
        {
            throw new InvalidOperationException("the session completed without preparing its outputs");
        }

        prepared.Commit();
        journal?.Delete();
        return result;
    }

    public void Dispose()
    {
        prepared?.Dispose();
        streamedShare?.Dispose();
        peerShare?.Dispose();
        journal?.Dispose();
    }

    /// <summary>A failed run keeps its journal and partial share while the partial is still its own (before the prepare
    /// step took it to finish the share file); after that, or before the journal began, neither is of use.</summary>
    private void KeepOrDeleteJournal()
    {
        if (journal is null)
        {
            return;
        }

        if (journal.Active && !prepareStarted)
        {
            try
            {
                journal.Flush();
            }
            catch (OutputFileException)
            {
                // The records not written are tiles a resume computes again.
            }

            streamedShare!.Keep();
            KeptJournal = journal;
            return;
        }

        journal.Delete();
    }

    /// <summary>The journal as the runtime sees it: a write failure is kept like the sink's.</summary>
    private sealed class RecordingJournal(PartyJournal journal, PartyOutputs outputs) : ISessionJournal
    {
        public void Begin(JournalStart start) => Record(outputs, () => journal.Begin(start));

        public void Resumed(Actors.Protocol.TileRanges skipped) => Record(outputs, () => journal.Resumed(skipped));

        public void OperandReceived(EncryptedOperand operand) => Record(outputs, () => journal.OperandReceived(operand));

        public void Committed(int tile, CommittedTile digests) => Record(outputs, () => journal.Committed(tile, digests));

        public void RevealBegan() => Record(outputs, journal.RevealBegan);
    }

    private static void Record(PartyOutputs outputs, Action write)
    {
        try
        {
            write();
        }
        catch (Exception error)
        {
            outputs.failure = error;
            throw;
        }
    }

    /// <summary>The sink as the runtime sees it: a write failure is kept, so the user is told it rather than the abort.</summary>
    private sealed class Recording(StreamedShareFile file, PartyOutputs outputs) : IShareSink
    {
        public void Open(ShareLayout layout) => Record(outputs, () => file.Open(layout));

        public void Write(ShareRegion region) => Record(outputs, () => file.Write(region));

        public System.Numerics.BigInteger[] Read(long first, int count)
        {
            System.Numerics.BigInteger[] values = [];
            Record(outputs, () => values = file.Read(first, count));
            return values;
        }
    }
}
