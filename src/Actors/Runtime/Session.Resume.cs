using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto;

namespace Duet.Actors.Runtime;

/// <summary>
/// Resuming an interrupted streamed session: the journal learns what a resume needs (the hellos, the encryptor's key
/// and encryption seed, the evaluator's record of the encrypted operand, every committed tile with the digests of its
/// result block and share band, a reveal begun); a resumed session checks it is the journaled one, skips the tiles
/// both parties committed (<see cref="Agreement.Skipped"/>), seeds its ledgers with their digests so the closing
/// transcript still covers every block, and computes every other tile afresh. The encryptor encrypts its operand again
/// under the journaled key and seed, so it sends the same ciphertexts, which the evaluator checks block by block.
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

    /// <summary>A resumed session checks what its journal binds it to, then tells the journal which tiles it skips,
    /// before any tile is computed again; false when it aborted.</summary>
    private bool JournalResumed(Agreement agreement, ShareOutput output)
    {
        if (settings.Resume is not { } resume)
        {
            return true;
        }

        if (BindingProblem(agreement, output, resume) is { } problem)
        {
            Abort(AbortReason.ResumeMismatch, problem);
            return false;
        }

        return Guarded(() =>
        {
            job.Journal!.Resumed(agreement.Skipped);
            return job.Journal;
        }) is not null;
    }

    /// <summary>Why this party cannot resume as agreed: tiles left after its reveal began, a journal without the operand
    /// its tiles were computed from, or a skipped tile's band that is no longer on disk as committed; else null.</summary>
    private string? BindingProblem(Agreement agreement, ShareOutput output, SessionResume resume)
    {
        const string Discard = "delete the journal and partial share of both parties to start again";
        var (plan, skipped) = (agreement.Plan, agreement.Skipped);
        if (resume.RevealBegan && skipped.Count != plan.Tiles)
        {
            return $"{settings.Name} began revealing its share before the interruption, so a resume must skip every tile, but both parties committed only {skipped.Count} of {plan.Tiles}: {Discard}";
        }

        var evaluator = agreement.Encryptor != settings.Side;
        if (evaluator && (resume.Operand is { } operand ? operand.Blocks.Count != plan.EncryptBlocks : resume.Committed.Count > 0))
        {
            return $"{settings.Name}'s journal does not record the encrypted operand of its committed tiles ({plan.EncryptBlocks} blocks): {Discard}";
        }

        foreach (var tile in skipped.Tiles())
        {
            var band = plan.Band(tile);
            if (!output.BandDigest(band.FirstRow, band.FirstColumn, band.Rows, band.Columns).AsSpan().SequenceEqual(resume.Committed[tile].Band))
            {
                return $"{settings.Name}'s partial share is not what its journal committed in tile {tile} (the file changed since): {Discard}";
            }
        }

        return null;
    }

    /// <summary>A new session starts its journal once the key is settled (the encryptor's exported secret key and seed with it).</summary>
    private bool BeginJournal(Agreed agreed, byte[] secret, byte[] seed) =>
        Resuming || Journal(agreed, journal =>
            journal.Begin(new JournalStart(sessionId, SessionResume.Encode(mine, agreed.Agreement.Peer(settings.Side), seed), secret)));

    /// <summary>The encryptor's seed: the journaled one when resuming (so it sends the same ciphertexts), else fresh
    /// from the CSPRNG; null when the journal has none (aborted).</summary>
    private byte[]? EncryptionSeedOf()
    {
        if (settings.Resume is not { } resume)
        {
            return RandomStream.NewSeed();
        }

        if (resume.Seed.Length == RandomStream.SeedBytes && resume.Secret.Length > 0)
        {
            return resume.Seed;
        }

        Abort(AbortReason.ResumeMismatch, $"{settings.Name}'s journal holds no key or encryption seed, so it cannot send the interrupted session's ciphertexts again");
        return null;
    }

    /// <summary>A resumed evaluator receives what the interrupted session received (the key, then each block by its
    /// SHA-256); false when it differs (aborted).</summary>
    private bool AsJournaled(Func<EncryptedOperand, byte[]> journaled, byte[] digest, string what)
    {
        if (settings.Resume?.Operand is not { } operand || journaled(operand).AsSpan().SequenceEqual(digest))
        {
            return true;
        }

        Abort(AbortReason.ResumeMismatch, $"{what} differs from the interrupted session's: the encryptor's operand, key or encryption changed, so the tiles both parties committed are not of this operand");
        return false;
    }

    /// <summary>The evaluator journals the encrypted operand once it is whole, before any tile (a resume that has it
    /// journaled checked every block against it instead).</summary>
    private bool JournalOperand(Agreed agreed, Streams streams) =>
        settings.Resume?.Operand is not null || Journal(agreed, journal =>
            journal.OperandReceived(new EncryptedOperand(streams.KeyDigest, [.. Enumerable.Range(0, streams.Received.Blocks).Select(streams.Received.Digest)])));

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
            ledger.RecordDigest(tile, settings.Resume!.Committed[tile].Result, agreed.Plan.TileResults(tile).Count);
            var band = agreed.Plan.Band(tile);
            agreed.Output.Resumed((long)band.Rows * band.Columns);
        }

        if (agreed.IsEncryptor)
        {
            streams.In.Skip(skipped.Count);
        }

        statistics.Resumed(skipped.Count);
    }

    /// <summary>Records a tile whose band the sink has, by the digests of its result block and band; false when it aborted.</summary>
    private bool Committed(Agreed agreed, int tile, CommittedTile digests) => Journal(agreed, journal => journal.Committed(tile, digests));

    /// <summary>Tells the journal of a streamed run (there is none otherwise); false when it failed and the session aborted.</summary>
    private bool Journal(Agreed agreed, Action<ISessionJournal> record) =>
        job.Journal is not { } journal || Guarded(() =>
        {
            record(journal);
            return journal;
        }) is not null;
}
