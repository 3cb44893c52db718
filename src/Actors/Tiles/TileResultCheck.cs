using Duet.Crypto;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tiles;

/// <summary>
/// The check of a tile result computed on another node of the party, before the session uses it: the tile exists in
/// the plan, the share band is exactly the tile's, and every ciphertext has the key's width and passes the key's
/// range and coprimality checks (docs/protocol.md §9). Results of this node's own workers need none of it.
/// </summary>
internal static class TileResultCheck
{
    /// <summary>Null when the result fits its tile; otherwise what is wrong with it.</summary>
    public static string? Problem(TileKit kit, TileResult result) => (kit, result) switch
    {
        (_, TileFailed) => null,
        (EncryptorKit k, EncryptResult r) => r.Index < k.Plan.EncryptBlocks
            ? Ciphertexts(() => k.Kernels.CheckOwn(r.Ciphertexts, k.Plan.EncryptBlock(r.Index).Count))
            : $"block {r.Index} is not in the plan",
        (EncryptorKit k, DecryptResult r) => Band(k.Plan, r),
        (EvaluatorKit k, EvaluateResult r) => Band(k.Plan, r) ?? Ciphertexts(() => k.Kernels.CheckOwn(r.Ciphertexts, k.Plan.TileResults(r.Index).Count)),
        _ => $"a {result.GetType().Name} does not belong to a {kit.GetType().Name}",
    };

    private static string? Band(IProductPlan plan, ShareBand result)
    {
        if (result.Index >= plan.Tiles)
        {
            return $"tile {result.Index} is not in the plan";
        }

        var band = plan.Band(result.Index);
        return (result.FirstRow, result.FirstColumn, result.Columns, result.Share.LongLength) == (band.FirstRow, band.FirstColumn, band.Columns, (long)band.Rows * band.Columns)
            ? null
            : $"the share band of tile {result.Index} is not the tile's";
    }

    private static string? Ciphertexts(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (InvalidCiphertextException error)
        {
            return $"the {error.Check} check failed: {error.Message}";
        }
    }
}
