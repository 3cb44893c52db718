using System.Runtime.ExceptionServices;
using Duet.Actors;
using Duet.Crypto.MatMul;
using Duet.Host.Files;

namespace Duet.Host.Commands;

/// <summary>
/// A party's share, its metadata and the product, written in two phases around the session's close: prepared
/// (written under temporary names) before this party confirms, so that a party that cannot write aborts both;
/// committed (renamed into place) once the session completed; discarded otherwise. With <paramref name="streamed"/>
/// the share is written as the tiles finish (<see cref="Sink"/>) and only finished at the prepare step.
/// </summary>
internal sealed class PartyOutputs(string sharePath, string productPath, OperandSide side, bool streamed = false) : IDisposable
{
    private readonly StreamedShareFile? streamedShare = streamed ? new StreamedShareFile(sharePath) : null;
    private MatrixFileAccess.PreparedOutputs? prepared;
    private Exception? failure;

    /// <summary>The runtime's sink for the share in a streamed run; null otherwise.</summary>
    public IShareSink? Sink => streamedShare is null ? null : new Recording(streamedShare, this);

    /// <summary>Called by the session on an actor thread, before it confirms.</summary>
    public void Prepare(PartyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            prepared = MatrixFileAccess.Prepare(() =>
            {
                if (result.Share is { } share)
                {
                    Outputs.WriteShare(sharePath, share, result.Domain);
                }
                else
                {
                    (streamedShare ?? throw new InvalidOperationException("the runtime streamed a share that no file receives")).Finish();
                }

                ShareMetadata.Of(result, side).WriteBeside(sharePath);
                if (result.Product is not null)
                {
                    Outputs.WriteProduct(productPath, result.Product, result.ProductFractionBits);
                }
            });
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
        catch (SessionAbortedException) when (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }

        if (prepared is null)
        {
            throw new InvalidOperationException("the session completed without preparing its outputs");
        }

        prepared.Commit();
        return result;
    }

    public void Dispose()
    {
        prepared?.Dispose();
        streamedShare?.Dispose();
    }

    /// <summary>The sink as the runtime sees it: a write failure is kept, so the user is told it rather than the abort.</summary>
    private sealed class Recording(StreamedShareFile file, PartyOutputs outputs) : IShareSink
    {
        public void Open(ShareLayout layout) => Record(() => file.Open(layout));

        public void Write(ShareRegion region) => Record(() => file.Write(region));

        private void Record(Action write)
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
    }
}
