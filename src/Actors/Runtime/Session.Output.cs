using Akka.Event;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;

namespace Duet.Actors.Runtime;

/// <summary>This party's share as tiles finish: held in memory, or streamed to the host's sink; a sink that cannot
/// write aborts the session on both sides, as an output that cannot be written at the end does.</summary>
internal sealed partial class Session
{
    private const string OutputsFailed = "its outputs could not be written, so neither party keeps a result";

    /// <summary>The share's destination for the agreed plan; null when the host's sink could not open (aborted).</summary>
    private ShareOutput? OpenOutput(Agreement agreement)
    {
        if (job.Sink is not { } sink)
        {
            return ShareOutput.InMemory(agreement.Plan.Rows, agreement.Plan.Columns, agreement.Orientation, settings.Domain);
        }

        return Guarded(() => ShareOutput.Streamed(sink, Layout(agreement), agreement.Orientation));
    }

    /// <summary>What a share of the agreed product is (this side's, or the peer's revealed one).</summary>
    private ShareLayout Layout(Agreement agreement)
    {
        var (rows, columns) = agreement.ProductShape;
        return new ShareLayout(sessionId, rows, columns, settings.Domain, agreement.Plan.ShareBits, agreement.ProductFractionBits);
    }

    /// <summary>Progress of a phase that finishes result tiles, with the rows of P they complete.</summary>
    private void ReportResults(Agreed agreed, string phase, long done, long total)
    {
        var (rows, columns) = agreed.Agreement.ProductShape;
        job.Progress?.Report(new PartyProgress(phase, done, total) { Rows = rows, RowsDone = agreed.Output.EntriesDone / columns });
    }

    /// <summary>Keeps a finished band of the share: the digest of the band as written (empty in memory), or null when
    /// the sink failed and the session aborted.</summary>
    private byte[]? Keep(Agreed agreed, ShareBand band) => Guarded(() =>
    {
        var digest = agreed.Output.Add(band);
        statistics.ResultKept();
        return digest;
    });

    private T? Guarded<T>(Func<T> write)
        where T : class
    {
        try
        {
            return write();
        }
        catch (Exception error) when (error is not InvalidOperationException)
        {
            log.Warning("session {0}: the outputs could not be written: {1}", sessionId, error.Message);
            Abort(AbortReason.Internal, OutputsFailed);
            return null;
        }
    }
}
