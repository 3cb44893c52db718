using Duet.Actors.Tiles;
using Duet.Crypto.MatMul;

using Duet.Crypto.Schemes;

namespace Duet.Actors.State;

/// <summary>The phases whose ends the statistics mark.</summary>
internal enum SessionPhase
{
    Handshake,
    Keys,

    /// <summary>The evaluator's kit is attached (tables built): its first evaluation tile may go out.</summary>
    EvaluationReady,
    Streaming,
}

/// <summary>What one session sent, received and retried, and when each phase ended, for <see cref="PartyStatistics"/>.</summary>
internal sealed class SessionStatistics
{
    private readonly TimeSpan[] ends = new TimeSpan[Enum.GetValues<SessionPhase>().Length];

    /// <summary>Payload bytes (ciphertexts, key, share values) of every protocol message sent.</summary>
    public long BytesSent { get; private set; }

    public long BytesReceived { get; private set; }

    public int TilesRetried { get; private set; }

    /// <summary>Result tiles this run computed (evaluated or decrypted) and kept.</summary>
    public long ResultTiles { get; private set; }

    /// <summary>Result tiles skipped because both parties committed them before a resume.</summary>
    public long ResumedTiles { get; private set; }

    public void ResultKept() => ResultTiles++;

    public void Resumed(long tiles) => ResumedTiles += tiles;

    /// <summary>Where the tiles were computed; shared with the session's tile coordinator.</summary>
    public TileStatistics Tiles { get; } = new();

    public void Sent(long payloadBytes) => BytesSent += payloadBytes;

    public void Received(long payloadBytes) => BytesReceived += payloadBytes;

    /// <summary>Counts the extra attempts a tile needed before it succeeded.</summary>
    public void TileSucceeded(int attempt) => TilesRetried += attempt - 1;

    /// <summary>Marks the end of a phase at this time since the session started.</summary>
    public void Ended(SessionPhase phase, TimeSpan at) => ends[(int)phase] = at;

    public PartyStatistics Summary(SummaryFacts facts, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var (handshake, keys, streaming) = (ends[(int)SessionPhase.Handshake], ends[(int)SessionPhase.Keys], ends[(int)SessionPhase.Streaming]);
        var evaluationReady = ends[(int)SessionPhase.EvaluationReady];
        return new PartyStatistics
        {
            SessionId = facts.SessionId,
            IsEncryptor = facts.IsEncryptor,
            Encryptor = facts.Encryptor,
            Plan = facts.Plan,
            Backend = facts.Backend,
            Strategy = facts.Strategy,
            CiphertextsSent = facts.CiphertextsSent,
            CiphertextsReceived = facts.CiphertextsReceived,
            BytesSent = BytesSent,
            BytesReceived = BytesReceived,
            MaxInFlight = facts.MaxInFlight,
            TilesRetried = TilesRetried,
            ResultTiles = ResultTiles,
            ResumedTiles = ResumedTiles,
            Cpu = facts.Cpu,
            TilesRequeued = Tiles.Requeued,
            TilesByNode = Tiles.ByNode,
            Handshake = handshake,
            Keys = keys - handshake,
            Streaming = streaming - keys,
            Evaluation = facts.IsEncryptor || evaluationReady == TimeSpan.Zero ? null : streaming - evaluationReady,
            Finishing = total - streaming,
            Total = total,
        };
    }
}

/// <summary>The facts of a finished session that the statistics do not count themselves.</summary>
internal sealed record SummaryFacts(
    Guid SessionId, bool IsEncryptor, OperandSide Encryptor, IProductPlan Plan, string Backend, string? Strategy,
    long CiphertextsSent, long CiphertextsReceived, int MaxInFlight, KernelSeconds Cpu);
