using Duet.Crypto;
using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tiles;

/// <summary>The BFV encryptor's kit: its canonical operand Y and its secret key's encryptor and decryptor.</summary>
internal sealed record LatticeEncryptorKit(CoefficientPlan Plan, Matrix<long> Y, BfvEncryptor Encryptor, BfvDecryptor Decryptor, Func<Tile, bool>? Fault)
    : TileKit(Fault);

/// <summary>The BFV evaluator's kit: its canonical operand X, the peer's public key and its validated ciphertexts.</summary>
internal sealed record LatticeEvaluatorKit(CoefficientPlan Plan, Matrix<long> X, BfvEvaluator Evaluator, IReadOnlyList<BfvOperand> Operands, Func<Tile, bool>? Fault)
    : TileKit(Fault);

/// <summary>The BFV tiles: the same tile messages as Paillier's (indices, bytes, share bands), computed with the
/// kernels of Duet.Crypto.Lattice. A tile is one row block of the coefficient plan with all its column blocks.</summary>
internal static class LatticeTiles
{
    public static EncryptResult Encrypt(LatticeEncryptorKit kit, EncryptTile tile)
    {
        var bytes = new byte[tile.Count * kit.Encryptor.Parameters.SeededCiphertextBytes];
        LatticeEncryptKernel.EncryptBlock(kit.Plan, kit.Y, kit.Encryptor, tile.First, tile.Count, bytes);
        return new EncryptResult(tile.SessionId, tile.Index, tile.Attempt, bytes);
    }

    public static EvaluateResult Evaluate(LatticeEvaluatorKit kit, EvaluateTile tile)
    {
        var (_, count) = kit.Plan.TileResults(tile.Index);
        var (firstRow, rows) = kit.Plan.TileRows(tile.Index);
        var bytes = new byte[count * LatticeDecryptKernel.ReplyBytes(kit.Plan, kit.Evaluator.Parameters)];
        var share = new Matrix<BigInteger>(rows, kit.Plan.Columns);
        LatticeEvaluateKernel.EvaluateTile(kit.Plan, kit.Evaluator, kit.Operands, kit.X, tile.Index, bytes, share, firstRow);
        return new EvaluateResult(tile.SessionId, tile.Index, tile.Attempt, bytes, firstRow, 0, share.Columns, share.Data);
    }

    public static DecryptResult Decrypt(LatticeEncryptorKit kit, DecryptTile tile)
    {
        if (kit.Plan.TileResults(tile.Index) != (tile.First, tile.Count))
        {
            throw new InvalidCiphertextException("index", $"replies [{tile.First}, {tile.First + tile.Count}) are not those of tile {tile.Index}");
        }

        var (firstRow, rows) = kit.Plan.TileRows(tile.Index);
        var share = new Matrix<BigInteger>(rows, kit.Plan.Columns);
        LatticeDecryptKernel.DecryptBlock(kit.Plan, kit.Decryptor, tile.Ciphertexts, tile.First, tile.Count, share, firstRow);
        return new DecryptResult(tile.SessionId, tile.Index, tile.Attempt, firstRow, 0, share.Columns, share.Data);
    }
}
