using System.Numerics;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>The check of a tile result from another node: a result computed by the kit passes, one that does not fit
/// its tile (wrong band, wrong count, a ciphertext out of range, a tile outside the plan) is named.</summary>
public sealed class TileResultCheckTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private static readonly Guid Session = Guid.NewGuid();

    private PackingPlan Plan => PackingPlan.Create(20, 3, 2, 16, 16, keys.Right.PublicKey.Bits);

    private EncryptorKit Kit => TestKits.Encryptor(Plan, new Matrix<long>(3, 2, [1, 2, 3, 4, 5, 6]), keys.Right);

    [Fact]
    public void AnEncryptedBlockOfTheKitPassesAndATamperedOneDoesNot()
    {
        var (first, count) = Plan.EncryptBlock(0);
        var result = Assert.IsType<EncryptResult>(TileComputation.Compute(Kit, new EncryptTile(Session, 0, 1, first, count)));
        Assert.Null(TileResultCheck.Problem(Kit, result));

        var tooBig = (byte[])result.Ciphertexts.Clone();
        tooBig.AsSpan(0, keys.Right.PublicKey.CiphertextBytes).Fill(0xFF);
        Assert.Contains("check failed", TileResultCheck.Problem(Kit, result with { Ciphertexts = tooBig }), StringComparison.Ordinal);
        Assert.NotNull(TileResultCheck.Problem(Kit, result with { Ciphertexts = result.Ciphertexts[..^1] }));
        Assert.Contains("not in the plan", TileResultCheck.Problem(Kit, result with { Index = Plan.EncryptBlocks }), StringComparison.Ordinal);
    }

    [Fact]
    public void ADecryptedBandMustBeExactlyItsTiles()
    {
        var band = Plan.Band(0);
        var share = new BigInteger[band.Rows * band.Columns];
        var result = new DecryptResult(Session, 0, 1, band.FirstRow, band.FirstColumn, band.Columns, share);
        Assert.Null(TileResultCheck.Problem(Kit, result));
        Assert.NotNull(TileResultCheck.Problem(Kit, result with { FirstRow = band.FirstRow + 1 }));
        Assert.NotNull(TileResultCheck.Problem(Kit, result with { Share = share[..^1] }));
        Assert.NotNull(TileResultCheck.Problem(Kit, result with { Index = Plan.Tiles }));
        Assert.NotNull(TileResultCheck.Problem(Kit, new EvaluateResult(Session, 0, 1, [], band.FirstRow, band.FirstColumn, band.Columns, share)));
    }
}
