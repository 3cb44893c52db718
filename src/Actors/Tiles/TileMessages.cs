using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Actors.Tiles;

// Messages between a session's tile dispatcher and the tile workers. Plain data (indices and the tile's own bytes),
// serializable by the DuetSerializer, so a tile can be computed on another node; what a tile needs beyond its own
// data is the session's tile context, looked up by session id in the node's TileContexts.

/// <summary>A tile message; <see cref="Index"/> is the block (encrypt) or tile (evaluate, decrypt) of the plan.</summary>
public interface ITileMessage
{
    Guid SessionId { get; }

    /// <summary>The session's capability (32 bytes), or empty where the message has not crossed into a worker yet.</summary>
    byte[] Capability { get; }

    int Index { get; }

    /// <summary>1 for the first computation of a tile, one more for each retry.</summary>
    int Attempt { get; }
}

/// <summary>Work for a tile worker.</summary>
public abstract record Tile(Guid SessionId, int Index, int Attempt) : ITileMessage
{
    public abstract TileKind Kind { get; }

    /// <summary>The session's capability, stamped by the coordinator; a worker computes nothing without it.</summary>
    public byte[] Capability { get; init; } = [];

    /// <summary>The same tile, to be computed again.</summary>
    public Tile Retry() => this with { Attempt = Attempt + 1 };
}

/// <summary>Encrypt the encryptor's operands [First, First + Count) (docs/protocol.md §4) of block <see cref="Tile.Index"/>.</summary>
public sealed record EncryptTile(Guid SessionId, int Index, int Attempt, int First, int Count) : Tile(SessionId, Index, Attempt)
{
    public override TileKind Kind => TileKind.Encrypt;
}

/// <summary>Evaluate, mask and re-randomise the results of evaluation tile <see cref="Tile.Index"/> (docs/protocol.md §5).
/// Under Paillier it carries the rows of X the tile covers (its band: the tile's rows × <see cref="XColumns"/>, row-major);
/// under BFV none (<see cref="XColumns"/> 0; the kit holds X).</summary>
public sealed record EvaluateTile(Guid SessionId, int Index, int Attempt, int XColumns, long[] X) : Tile(SessionId, Index, Attempt)
{
    public override TileKind Kind => TileKind.Evaluate;
}

/// <summary>Validate and decrypt results [First, First + Count) of tile <see cref="Tile.Index"/>: the ciphertexts as
/// received, fixed-width (docs/protocol.md §6).</summary>
public sealed record DecryptTile(Guid SessionId, int Index, int Attempt, int First, int Count, byte[] Ciphertexts) : Tile(SessionId, Index, Attempt)
{
    public override TileKind Kind => TileKind.Decrypt;
}

/// <summary>What a worker sends back.</summary>
public abstract record TileResult(Guid SessionId, int Index, int Attempt) : ITileMessage
{
    /// <summary>The session's capability, stamped by the worker; the coordinator takes no result without it.</summary>
    public byte[] Capability { get; init; } = [];
}

/// <summary>The ciphertexts of an encrypted block, fixed-width, ready to send.</summary>
public sealed record EncryptResult(Guid SessionId, int Index, int Attempt, byte[] Ciphertexts) : TileResult(SessionId, Index, Attempt);

/// <summary>A band of the canonical share: rows [FirstRow, FirstRow + Share.Length / Columns) by columns
/// [FirstColumn, FirstColumn + Columns), row-major.</summary>
public abstract record ShareBand(Guid SessionId, int Index, int Attempt, int FirstRow, int FirstColumn, int Columns, BigInteger[] Share)
    : TileResult(SessionId, Index, Attempt)
{
    /// <summary>Throws when the band does not fit a share of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public void CheckFits(int rows, int columns)
    {
        if (Columns < 1 || FirstRow < 0 || FirstColumn < 0 || Share.Length % Columns != 0
            || FirstRow + (Share.Length / Columns) > rows || FirstColumn + Columns > columns)
        {
            throw new InvalidOperationException($"tile {Index} returned a share band that does not fit the {rows}x{columns} share");
        }
    }

    /// <summary>Copies the band into its place in the whole share.</summary>
    public void CopyInto(Matrix<BigInteger> share)
    {
        ArgumentNullException.ThrowIfNull(share);
        CheckFits(share.Rows, share.Columns);
        for (var r = 0; r < Share.Length / Columns; r++)
        {
            Share.AsSpan(r * Columns, Columns).CopyTo(share.Data.AsSpan(((FirstRow + r) * share.Columns) + FirstColumn));
        }
    }
}

/// <summary>An evaluated tile: its result ciphertexts and the evaluator's share (−r) of the rows it covers.</summary>
public sealed record EvaluateResult(Guid SessionId, int Index, int Attempt, byte[] Ciphertexts, int FirstRow, int FirstColumn, int Columns, BigInteger[] Share)
    : ShareBand(SessionId, Index, Attempt, FirstRow, FirstColumn, Columns, Share);

/// <summary>A decrypted tile: the encryptor's share of the rows it covers.</summary>
public sealed record DecryptResult(Guid SessionId, int Index, int Attempt, int FirstRow, int FirstColumn, int Columns, BigInteger[] Share)
    : ShareBand(SessionId, Index, Attempt, FirstRow, FirstColumn, Columns, Share);

/// <summary>A tile that did not complete, with the detail for the log or the abort text.</summary>
public sealed record TileFailed(Guid SessionId, int Index, int Attempt, TileKind Kind, TileFailure Failure, string Detail)
    : TileResult(SessionId, Index, Attempt);
