using System.Numerics;
using Duet.Crypto;
using Duet.Crypto.Encoding;

namespace Duet.Actors.Tiles;

/// <summary>A tile computed with a session's kit: the kernels of Duet.Crypto, writing only into the result.</summary>
internal static class TileComputation
{
    /// <summary>The result of a tile, or a <see cref="TileFailed"/> saying why there is none; its CPU added to <paramref name="cpu"/>.</summary>
    public static TileResult Compute(TileKit kit, Tile tile, TileCpu? cpu = null)
    {
        ArgumentNullException.ThrowIfNull(kit);
        ArgumentNullException.ThrowIfNull(tile);
        var started = ThreadCpu.Seconds();
        try
        {
            return Run(kit, tile, cpu);
        }
        finally
        {
            cpu?.Add(tile.Kind, ThreadCpu.Seconds() - started);
        }
    }

    private static TileResult Run(TileKit kit, Tile tile, TileCpu? cpu)
    {
        try
        {
            if (kit.Fault?.Invoke(tile) == true)
            {
                throw new InvalidOperationException($"injected fault in {tile.Kind} {tile.Index}, attempt {tile.Attempt}");
            }

            return (kit, tile) switch
            {
                (EncryptorKit k, EncryptTile t) => Encrypt(k, t),
                (EncryptorKit k, DecryptTile t) => Decrypt(k, t),
                (EvaluatorKit k, EvaluateTile t) => Evaluate(k, t, cpu?.Evaluation),
                _ => throw new InvalidOperationException($"a {tile.Kind} tile does not belong to a {kit.GetType().Name}"),
            };
        }
        catch (ValidationException invalid)
        {
            return Failed(tile, TileFailure.InvalidCiphertext, $"the {invalid.Check} check failed: {invalid.Message}");
        }
        catch (Exception error)
        {
            return Failed(tile, TileFailure.Fault, $"{error.GetType().Name}: {error.Message}");
        }
    }

    public static TileFailed Failed(Tile tile, TileFailure failure, string detail) =>
        new(tile.SessionId, tile.Index, tile.Attempt, tile.Kind, failure, detail);

    private static EncryptResult Encrypt(EncryptorKit kit, EncryptTile tile)
    {
        var bytes = new byte[tile.Count * kit.Plan.EncryptedWidth];
        kit.Kernels.Encrypt(tile.First, tile.Count, bytes);
        return new EncryptResult(tile.SessionId, tile.Index, tile.Attempt, bytes);
    }

    private static EvaluateResult Evaluate(EvaluatorKit kit, EvaluateTile tile, KernelCpu? cpu)
    {
        var plan = kit.Plan;
        var (_, count) = plan.TileResults(tile.Index);
        var band = plan.Band(tile.Index);
        if (tile.XColumns != plan.Inner || tile.X.Length != (long)band.Rows * plan.Inner)
        {
            throw new InvalidOperationException(
                $"tile {tile.Index} carries {tile.X.Length} entries of X in rows of {tile.XColumns}; its rows need {band.Rows}x{plan.Inner}");
        }

        var bytes = new byte[count * plan.ResultWidth];
        var share = new Matrix<BigInteger>(band.Rows, band.Columns);
        using var random = kit.TileRandom(tile.Index, tile.Attempt);
        kit.Kernels.Evaluate(tile.Index, new Matrix<long>(band.Rows, plan.Inner, tile.X), random, bytes, share, cpu);
        return new EvaluateResult(tile.SessionId, tile.Index, tile.Attempt, bytes, band.FirstRow, band.FirstColumn, band.Columns, share.Data);
    }

    private static DecryptResult Decrypt(EncryptorKit kit, DecryptTile tile)
    {
        if (kit.Plan.TileResults(tile.Index) != (tile.First, tile.Count))
        {
            throw new InvalidCiphertextException("index", $"results [{tile.First}, {tile.First + tile.Count}) are not those of tile {tile.Index}");
        }

        var band = kit.Plan.Band(tile.Index);
        var share = new Matrix<BigInteger>(band.Rows, band.Columns);
        kit.Kernels.Decrypt(tile.Index, tile.Ciphertexts, share);
        return new DecryptResult(tile.SessionId, tile.Index, tile.Attempt, band.FirstRow, band.FirstColumn, band.Columns, share.Data);
    }
}
