using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Crypto.Schemes;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>Two real parties on loopback with a partial share and a journal each kept in memory across runs, as a
/// host keeps them on disk, for the resume tests.</summary>
internal static class ResumeParties
{
    public static async Task<(PartyResult Left, PartyResult Right)> Run(
        RuntimeKeys keys, Matrix<long> left, PartialSink sinkA, MemoryJournal journalA, Matrix<long> right, PartialSink sinkB, MemoryJournal journalB,
        SessionResume? resumeA, SessionResume? resumeB, Reveal reveal = Reveal.None, Scheme scheme = Scheme.Paillier)
    {
        var (a, b) = await Ended(keys, left, sinkA, journalA, right, sinkB, journalB, resumeA, resumeB, reveal, scheme);
        return (await a, await b);
    }

    /// <summary>A resume both parties abort, each with its reason.</summary>
    public static async Task<(SessionAbortedException Left, SessionAbortedException Right)> Refused(
        RuntimeKeys keys, Matrix<long> left, PartialSink sinkA, Matrix<long> right, PartialSink sinkB, SessionResume resumeA, SessionResume resumeB, Reveal reveal = Reveal.None, Scheme scheme = Scheme.Paillier)
    {
        var (a, b) = await Ended(keys, left, sinkA, new MemoryJournal(), right, sinkB, new MemoryJournal(), resumeA, resumeB, reveal, scheme);
        return (await Assert.ThrowsAsync<SessionAbortedException>(() => a), await Assert.ThrowsAsync<SessionAbortedException>(() => b));
    }

    /// <summary>Both parties' runs, once both have ended (succeeded or not).</summary>
    private static async Task<(Task<PartyResult> Left, Task<PartyResult> Right)> Ended(
        RuntimeKeys keys, Matrix<long> left, PartialSink sinkA, MemoryJournal journalA, Matrix<long> right, PartialSink sinkB, MemoryJournal journalB,
        SessionResume? resumeA, SessionResume? resumeB, Reveal reveal, Scheme scheme)
    {
        var port = TwoParties.FreePort();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listening = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Resume = resumeA, Reveal = reveal, Scheme = scheme }, left, new PartyEndpoint("127.0.0.1", port), null, cts.Token, TwoParties.SerializeAll, shareSink: sinkA, journal: journalA, peerShareSink: PeerSink(reveal, OperandSide.Left));
        var calling = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { Resume = resumeB, Reveal = reveal, Scheme = scheme }, right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, cts.Token, TwoParties.SerializeAll, shareSink: sinkB, journal: journalB, peerShareSink: PeerSink(reveal, OperandSide.Right));
        await Task.WhenAll(listening, calling).ContinueWith(_ => { }, TaskScheduler.Default);
        return (listening, calling);
    }

    /// <summary>Where the peer's revealed share goes, on a side the product is revealed to.</summary>
    private static PartialSink? PeerSink(Reveal reveal, OperandSide side) => reveal.ReachesSide(side) ? new PartialSink() : null;
}

/// <summary>A partial share kept across runs: a resumed run writes over it.</summary>
internal sealed class PartialSink : IShareSink
{
    public Matrix<BigInteger>? Share { get; private set; }

    public void Open(ShareLayout layout) => Share ??= new Matrix<BigInteger>(layout.Rows, layout.Columns);

    public void Write(ShareRegion region)
    {
        for (var r = 0; r < region.Rows; r++)
        {
            for (var c = 0; c < region.Columns; c++)
            {
                Share!.Data[((region.FirstRow + r) * Share.Columns) + region.FirstColumn + c] = region.Values[(r * region.Columns) + c];
            }
        }
    }

    public BigInteger[] Read(long first, int count) => Share!.Data.AsSpan((int)first, count).ToArray();
}

/// <summary>A journal in memory, read back as the host reads its file.</summary>
internal sealed class MemoryJournal : ISessionJournal
{
    public JournalStart? Start { get; private set; }

    public TileRanges? Skipped { get; private set; }

    public EncryptedOperand? Operand { get; private set; }

    public bool RevealStarted { get; private set; }

    public Dictionary<int, CommittedTile> Tiles { get; } = [];

    public void Begin(JournalStart start) => Start = start;

    public void Resumed(TileRanges skipped) => Skipped = skipped;

    public void OperandReceived(EncryptedOperand operand) => Operand = operand;

    public void Committed(int tile, CommittedTile digests) => Tiles.Add(tile, digests); // a tile committed twice throws

    public void RevealBegan() => RevealStarted = true;

    /// <summary>The resume of this journal as if only the tiles <paramref name="kept"/> had been recorded.</summary>
    public SessionResume Resume(Func<int, bool> kept) =>
        SessionResume.Decode(Start!.State, Tiles.Where(c => kept(c.Key)).ToDictionary()) with { Operand = Operand, RevealBegan = RevealStarted, Secret = Start.Secret };
}
