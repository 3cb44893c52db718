using Duet.Actors.Protocol;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>
/// Resuming an interrupted streamed session: the journal learns what a resume needs (the hellos, the encryptor's key,
/// every committed tile with the digest of its result block); a resumed session checks it is the journaled one,
/// skips the tiles both parties committed (<see cref="Agreement.Skipped"/>), seeds its ledgers with their digests so
/// the closing transcript still covers every block, and computes every other tile afresh. The encrypted operand is
/// encrypted and sent again (the evaluator keeps no tables across runs), under the journaled key.
/// </summary>
internal sealed partial class Session
{
    private bool Resuming => settings.Resume is not null;

    /// <summary>Why the agreed session is not the journaled one, or null (also null for a new session).</summary>
    private string? ResumeProblem(Agreement agreement)
    {
        if (settings.Resume is not { } resume)
        {
            return null;
        }

        if (resume.SessionId != sessionId)
        {
            return $"{settings.Name} resumes session {resume.SessionId}, but the peer's hello is of session {sessionId}: both parties must resume the same interrupted session";
        }

        return SessionResume.Differs(resume.Mine, mine, "this party's")
            ?? SessionResume.Differs(resume.Peer, agreement.Peer(settings.Side), "the peer's");
    }

    /// <summary>A resumed session tells its journal which tiles it skips before any tile is computed again.</summary>
    private bool JournalResumed(Agreement agreement) =>
        !Resuming || Guarded(() =>
        {
            job.Journal!.Resumed(agreement.Skipped);
            return job.Journal;
        }) is not null;

    /// <summary>A new Paillier session starts its journal once the key is settled (the encryptor's private key with it).</summary>
    private bool BeginJournal(Agreed agreed, PaillierPrivateKey? key) =>
        Resuming || job.Journal is not { } journal || Guarded(() =>
        {
            var peerHello = agreed.Agreement.Peer(settings.Side);
            journal.Begin(new JournalStart(sessionId, SessionResume.Encode(mine, peerHello), key));
            return journal;
        }) is not null;

    /// <summary>The skipped tiles count as received (encryptor) or sent (evaluator), with their journaled digests.</summary>
    private void SeedResumed(Agreed agreed, Streams streams)
    {
        var skipped = agreed.Agreement.Skipped;
        if (skipped.Count == 0)
        {
            return;
        }

        var ledger = agreed.IsEncryptor ? streams.Received : streams.Sent;
        foreach (var tile in skipped.Tiles())
        {
            ledger.RecordDigest(tile, settings.Resume!.Committed[tile], agreed.Plan.TileResults(tile).Count);
            var band = agreed.Plan.Paillier!.Band(tile);
            agreed.Output.Resumed((long)band.Rows * band.Columns);
        }

        if (agreed.IsEncryptor)
        {
            streams.In.Skip(skipped.Count);
        }

        statistics.Resumed(skipped.Count);
    }

    /// <summary>Records a tile whose band the sink has, by the digest of its result block; false when it aborted.</summary>
    private bool Committed(Agreed agreed, int tile, byte[] digest) =>
        job.Journal is not { } journal || agreed.Plan.Scheme != Scheme.Paillier || Guarded(() =>
        {
            journal.Committed(tile, digest);
            return journal;
        }) is not null;
}
