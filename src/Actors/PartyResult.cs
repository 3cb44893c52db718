using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

using Duet.Crypto.Schemes;

namespace Duet.Actors;

/// <summary>A progress event: units of a phase done out of its total.</summary>
public sealed record PartyProgress(string Phase, long Done, long Total)
{
    /// <summary>Rows of P = L·R; 0 when the event does not count result rows.</summary>
    public long Rows { get; init; }

    /// <summary>Rows' worth of this party's share finished: entries finished divided by P's columns.</summary>
    public long RowsDone { get; init; }
}

/// <summary>What a run cost and how it went, for the host's summary line and the benchmarks.</summary>
public sealed record PartyStatistics
{
    public required Guid SessionId { get; init; }

    public required bool IsEncryptor { get; init; }

    public required OperandSide Encryptor { get; init; }

    public required IProductPlan Plan { get; init; }

    public required string Backend { get; init; }

    public string? Strategy { get; init; }

    public long CiphertextsSent { get; init; }

    public long CiphertextsReceived { get; init; }

    /// <summary>Payload bytes of every protocol message this party sent (ciphertexts, key, shares).</summary>
    public long BytesSent { get; init; }

    public long BytesReceived { get; init; }

    /// <summary>The most blocks this party ever had sent beyond what the peer acknowledged; never above the window.</summary>
    public int MaxInFlight { get; init; }

    /// <summary>Tiles computed again after a worker failed.</summary>
    public int TilesRetried { get; init; }

    /// <summary>Result tiles this run computed and kept (all of the plan's, less those resumed).</summary>
    public long ResultTiles { get; init; }

    /// <summary>Result tiles a resumed run skipped: both parties had committed them before.</summary>
    public long ResumedTiles { get; init; }

    /// <summary>CPU seconds of this node's kernels (tiles by kind, the evaluator's tables).</summary>
    public KernelSeconds Cpu { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Tiles lost with a worker node (or a worker) and computed again by another worker.</summary>
    public int TilesRequeued { get; init; }

    /// <summary>Tiles whose results the session used, per node of this party (its address).</summary>
    public IReadOnlyDictionary<string, int> TilesByNode { get; init; } = new Dictionary<string, int>();

    public TimeSpan Handshake { get; init; }

    public TimeSpan Keys { get; init; }

    public TimeSpan Streaming { get; init; }

    /// <summary>The evaluator's evaluation phase: from its kit being ready (tables built) to its last result sent;
    /// null for the encryptor.</summary>
    public TimeSpan? Evaluation { get; init; }

    public TimeSpan Finishing { get; init; }

    public TimeSpan Total { get; init; }
}

/// <summary>
/// One party's outcome: its share of L·R in the agreed domain, and the product itself when it was revealed to this
/// party (exact integers, still carrying the fixed-point scale 2^(fx+fy)).
/// </summary>
/// <param name="Share">Null in a streamed run: the share went to the host's <see cref="IShareSink"/>.</param>
public sealed record PartyResult(Matrix<BigInteger>? Share, Matrix<BigInteger>? Product, ShareDomain Domain, int ProductFractionBits, PartyStatistics Statistics)
{
    /// <summary>The shape of P = L·R.</summary>
    public (int Rows, int Columns) ProductShape { get; init; }

    /// <summary>The SHA-256 digest of the session's transcript (docs/protocol.md §10) that both parties' <c>Done</c> carried
    /// and checked: the same on both sides of one session, so a third party can tell that two shares belong together.</summary>
    public byte[] TranscriptDigest { get; init; } = [];
}

/// <summary>A session that ended without a result, with the typed reason both sides report.</summary>
public sealed class SessionAbortedException(AbortReason reason, string message, bool raisedByPeer) : Exception(message)
{
    public AbortReason Reason { get; } = reason;

    /// <summary>True when the peer aborted and this side learnt it from the peer's Abort message.</summary>
    public bool RaisedByPeer { get; } = raisedByPeer;
}
