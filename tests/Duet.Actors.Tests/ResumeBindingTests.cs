using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>
/// A resume is bound to both operands and to what is on disk: the encryptor must send the very ciphertexts the
/// evaluator journaled (another operand, or the same under another seed, is refused); a party that began revealing
/// resumes only when every tile is skipped; a committed band of the partial share that changed is refused. Each
/// refusal is a <see cref="AbortReason.ResumeMismatch"/> on both sides. A (200×4) evaluates, B (4×3) encrypts; the
/// resumes are as if A had journaled tiles [0, 5) and B [2, 7), so both skip [2, 5).
/// </summary>
public sealed class ResumeBindingTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    [Fact]
    public async Task An_encryptor_resuming_with_another_operand_is_refused()
    {
        var run = await Interrupted();
        var other = TwoParties.Random(new Random(34), 4, 3, 16);

        var (a, b) = await ResumeParties.Refused(keys, run.Left, run.SinkA, other, run.SinkB, run.ResumeA, run.ResumeB);

        RefusedByTheEvaluator(a, b, "encrypted block 0 differs from the interrupted session's");
    }

    [Fact]
    public async Task Other_ciphertexts_of_the_same_operand_are_refused()
    {
        var run = await Interrupted();
        var seed = (byte[])run.ResumeB.Seed.Clone();
        seed[7] ^= 1;

        var (a, b) = await ResumeParties.Refused(keys, run.Left, run.SinkA, run.Right, run.SinkB, run.ResumeA, run.ResumeB with { Seed = seed });

        RefusedByTheEvaluator(a, b, "encrypted block 0 differs from the interrupted session's");
    }

    [Fact]
    public async Task After_a_reveal_began_a_resume_must_skip_every_tile()
    {
        var run = await Interrupted(Reveal.Both);
        Assert.True(run.JournalA.RevealStarted && run.JournalB.RevealStarted);

        var (a, b) = await ResumeParties.Refused(keys, run.Left, run.SinkA, run.Right, run.SinkB, run.ResumeA, run.ResumeB, Reveal.Both);

        Assert.Equal((AbortReason.ResumeMismatch, AbortReason.ResumeMismatch), (a.Reason, b.Reason));
        Assert.Contains("began revealing its share before the interruption, so a resume must skip every tile", a.Message, StringComparison.Ordinal);

        // Skipping every tile, the same resume reveals again.
        var (left, right) = await ResumeParties.Run(
            keys, run.Left, run.SinkA, new MemoryJournal(), run.Right, run.SinkB, new MemoryJournal(), run.JournalA.Resume(_ => true), run.JournalB.Resume(_ => true), Reveal.Both);
        Assert.Equal((long)run.Tiles, left.Statistics.ResumedTiles);
        Assert.Equal((long)run.Tiles, right.Statistics.ResumedTiles);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_committed_band_is_refused()
    {
        var run = await Interrupted();
        var band = run.Plan.Band(3);
        var share = run.SinkA.Share!;
        share.Data[(band.FirstRow * share.Columns) + band.FirstColumn] ^= 0x100;

        var (a, b) = await ResumeParties.Refused(keys, run.Left, run.SinkA, run.Right, run.SinkB, run.ResumeA, run.ResumeB);

        Assert.Equal((AbortReason.ResumeMismatch, false), (a.Reason, a.RaisedByPeer));
        Assert.Contains("partial share is not what its journal committed in tile 3", a.Message, StringComparison.Ordinal);
        Assert.Equal((AbortReason.ResumeMismatch, true), (b.Reason, b.RaisedByPeer));
    }

    [Fact]
    public void A_seeded_encryption_repeats_only_for_the_same_index_plaintext_and_seed()
    {
        var key = keys.Right;
        var seed = Enumerable.Range(1, EncryptionSeed.Bytes).Select(i => (byte)i).ToArray();
        var encryptor = new PaillierEncryptor(key, new EncryptionSeed(seed));
        var again = new PaillierEncryptor(key, new EncryptionSeed(seed));
        seed[0] ^= 1;
        var otherSeed = new PaillierEncryptor(key, new EncryptionSeed(seed));

        var first = Ciphertext(encryptor, 12345, 0);
        Assert.Equal(first, Ciphertext(again, 12345, 0));
        Assert.NotEqual(first, Ciphertext(encryptor, 12346, 0));
        Assert.NotEqual(first, Ciphertext(encryptor, 12345, 1));
        Assert.NotEqual(first, Ciphertext(otherSeed, 12345, 0));

        using var residue = key.Context.Arithmetic.NewResidue();
        encryptor.Encrypt(-77, 5, residue);
        Assert.Equal(new BigInteger(-77), new PaillierDecryptor(key).Decrypt(residue));
    }

    private static byte[] Ciphertext(PaillierEncryptor encryptor, long plaintext, long index)
    {
        using var residue = encryptor.Context.Arithmetic.NewResidue();
        encryptor.Encrypt(plaintext, index, residue);
        var bytes = new byte[encryptor.Key.CiphertextBytes];
        encryptor.Context.WriteCiphertext(residue, bytes);
        return bytes;
    }

    private static void RefusedByTheEvaluator(SessionAbortedException a, SessionAbortedException b, string reason)
    {
        Assert.Equal((AbortReason.ResumeMismatch, false), (a.Reason, a.RaisedByPeer));
        Assert.Contains(reason, a.Message, StringComparison.Ordinal);
        Assert.Equal((AbortReason.ResumeMismatch, true), (b.Reason, b.RaisedByPeer));
        Assert.Contains(reason, b.Message, StringComparison.Ordinal);
    }

    /// <summary>A whole first run, then the resumes as if it had been interrupted with A's journal at [0, 5) and B's at [2, 7).</summary>
    private async Task<Interruption> Interrupted(Reveal reveal = Reveal.None)
    {
        var random = new Random(33);
        var left = TwoParties.Random(random, 200, 4, 16);
        var right = TwoParties.Random(random, 4, 3, 16);
        var (sinkA, sinkB) = (new PartialSink(), new PartialSink());
        var (journalA, journalB) = (new MemoryJournal(), new MemoryJournal());
        var (first, _) = await ResumeParties.Run(keys, left, sinkA, journalA, right, sinkB, journalB, null, null, reveal);
        Assert.NotNull(journalA.Operand); // A evaluates
        Assert.Equal(EncryptionSeed.Bytes, journalB.Resume(_ => true).Seed.Length);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(sinkA.Share!, sinkB.Share!, ShareDomain.Ring64).Data);
        return new Interruption(left, right, sinkA, sinkB, journalA, journalB, journalA.Resume(t => t < 5), journalB.Resume(t => t is >= 2 and < 7), (PackingPlan)first.Statistics.Plan);
    }

    private sealed record Interruption(
        Matrix<long> Left, Matrix<long> Right, PartialSink SinkA, PartialSink SinkB, MemoryJournal JournalA, MemoryJournal JournalB, SessionResume ResumeA, SessionResume ResumeB, PackingPlan Plan)
    {
        public int Tiles => Plan.Tiles;
    }
}
