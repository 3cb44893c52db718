using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Reference;

namespace Duet.Crypto.Tests;

public sealed class MatMulTests(KeyFixture fixture) : IClassFixture<KeyFixture>
{
    private const int KeyBits = 1024;
    private readonly PaillierPrivateKey key = fixture.Key;

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 16 },   // 1×1
        { 5, 1, 4, 16 },   // k = 1
        { 29, 6, 1, 16 },  // matrix-vector: G = S, m not a multiple of G
        { 3, 4, 30, 16 },  // n ≥ S: several column groups, n not a multiple of C
        { 7, 3, 5, 16 },   // G = floor(S / n) > 1, m not a multiple of G
        { 40, 3, 2, 8 },   // tall
        { 2, 9, 27, 8 },   // wide
        { 6, 5, 3, 30 },   // large bounds
        { 3, 2, 250, 16 }, // wider than a tile: each row group split into tiles by column groups
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReconstructedProductIsExact(int m, int k, int n, int bits)
    {
        var random = new Random((m * 1000) + (k * 100) + n);
        var left = RandomMatrix(random, m, k, bits);
        var right = RandomMatrix(random, k, n, bits);
        var expected = Shares.Product(left, right);
        var parameters = new ProtocolParameters(bits, bits, KeyBits, Domain: ShareDomain.Integer);
        foreach (var side in new[] { OperandSide.Right, OperandSide.Left })
        {
            foreach (var strategy in Enum.GetValues<MultiExpStrategy>())
            {
                var result = PaillierReferenceProtocol.Run(left, right, parameters, key, side, parallelism: 2, strategyOnly: strategy);
                Assert.Equal(strategy, result.Strategy);
                Assert.Equal(side, result.Encryptor);
                Assert.Equal(expected.Data, Shares.Reconstruct(result.LeftShare, result.RightShare, ShareDomain.Integer).Data);
            }
        }
    }

    [Fact]
    public void EveryStrategyIsExercised()
    {
        // A zero budget forbids tables and combs. A comb's squarings (one per bit plane) pay off over many terms per
        // result; with one term and this key's short re-randomiser, a fixed-base table per operand costs less.
        var tall = PackingPlan.Create(100_000, 10, 3, 16, 16, KeyBits);
        Assert.Equal(MultiExpStrategy.Pippenger, EvaluationBases.Choose(tall, 256, 1064, 0).Strategy);
        Assert.Equal(MultiExpStrategy.SubsetComb, EvaluationBases.Choose(tall, 256, 1064, EvaluationBases.DefaultMemoryBudget).Strategy);
        var oneTerm = PackingPlan.Create(100_000, 1, 40, 16, 16, KeyBits);
        Assert.Equal(1, oneTerm.TermsPerResult);
        Assert.Equal(MultiExpStrategy.FixedBaseTables, EvaluationBases.Choose(oneTerm, 256, 1064, EvaluationBases.DefaultMemoryBudget).Strategy);
    }

    [Fact]
    public void EntriesAtBothEndsOfTheirBoundsAndRing64()
    {
        const int bits = 20;
        var max = (1L << bits) - 1;
        var left = new Matrix<long>(3, 2, [max, -max, -max, -max, max, max]);
        var right = new Matrix<long>(2, 2, [max, -max, -max, max]);
        var expected = Shares.Product(left, right);
        var result = PaillierReferenceProtocol.Run(left, right, new ProtocolParameters(bits, bits, KeyBits), key);
        Assert.Equal(expected.Data, Shares.Reconstruct(result.LeftShare, result.RightShare, ShareDomain.Ring64).Data);
        Assert.All(result.LeftShare.Data, s => Assert.InRange(s, BigInteger.Zero, (BigInteger)ulong.MaxValue));
    }

    [Fact]
    public void FixedPointRealsReconstructWithinEncodingError()
    {
        const int frac = 16;
        var random = new Random(7);
        var leftReal = new Matrix<double>(4, 3, Enumerable.Range(0, 12).Select(_ => (random.NextDouble() * 20) - 10).ToArray());
        var rightReal = new Matrix<double>(3, 2, Enumerable.Range(0, 6).Select(_ => (random.NextDouble() * 2) - 1).ToArray());
        var left = FixedPoint.Encode(leftReal, frac, 24, "left");
        var right = FixedPoint.Encode(rightReal, frac, 24, "right");
        var result = PaillierReferenceProtocol.Run(left, right, new ProtocolParameters(24, 24, KeyBits), key);
        var product = Shares.Reconstruct(result.LeftShare, result.RightShare, ShareDomain.Ring64);
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                var exact = Enumerable.Range(0, 3).Sum(t => leftReal[i, t] * rightReal[t, j]);
                Assert.InRange(FixedPoint.Decode(product[i, j], 2 * frac) - exact, -1e-3, 1e-3);
            }
        }
    }

    [Fact]
    public void MasksAreRealAndFresh()
    {
        var zeros = new Matrix<long>(4, 3);
        var right = new Matrix<long>(3, 2, [1, 2, 3, 4, 5, 6]);
        var parameters = new ProtocolParameters(8, 8, KeyBits, Domain: ShareDomain.Integer);
        var first = PaillierReferenceProtocol.Run(zeros, right, parameters, key);
        var second = PaillierReferenceProtocol.Run(zeros, right, parameters, key);
        Assert.All(first.LeftShare.Data, s => Assert.NotEqual(BigInteger.Zero, s));
        Assert.All(first.RightShare.Data, s => Assert.NotEqual(BigInteger.Zero, s));
        Assert.All(Shares.Reconstruct(first.LeftShare, first.RightShare, ShareDomain.Integer).Data, z => Assert.Equal(BigInteger.Zero, z));
        Assert.NotEqual(first.LeftShare.Data, second.LeftShare.Data);
        Assert.NotEqual(first.RightShare.Data, second.RightShare.Data);

        // A mask is drawn from [0, 2^t): the evaluator's share is its negation, so at most t bits.
        var plan = first.Plan;
        Assert.All(first.LeftShare.Data, s => Assert.True(s.Sign <= 0 && (-s).GetBitLength() <= plan.MaskBits));
    }

    [Fact]
    public void AutomaticRoleLetsTheSmallerMatrixEncrypt()
    {
        Assert.Equal(OperandSide.Right, Orientation.BySize(100, 10, 10, 1).Encryptor);
        Assert.Equal(OperandSide.Left, Orientation.BySize(1, 10, 10, 100).Encryptor);
        Assert.Equal(OperandSide.Right, Orientation.BySize(3, 3, 3, 3).Encryptor);
    }

    [Fact]
    public void BoundViolationNamesTheEntry()
    {
        var left = new Matrix<long>(2, 2, [1, 2, 3, 256]);
        var right = new Matrix<long>(2, 1, [1, 1]);
        var error = Assert.Throws<EncodingException>(() => PaillierReferenceProtocol.Run(left, right, new ProtocolParameters(8, 8, KeyBits), key));
        Assert.Contains("row 2, column 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Contains("2^8", error.Message, StringComparison.Ordinal);
        var real = Assert.Throws<EncodingException>(() => FixedPoint.Encode(new Matrix<double>(1, 2, [0.5, double.NaN]), 4, 8, "x"));
        Assert.Contains("row 1, column 2", real.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanThatWouldOverflowIsRefused()
    {
        var error = Assert.Throws<EncodingException>(() => PackingPlan.Create(10, 1 << 20, 10, 63, 63, 160));
        Assert.Contains("slot", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<EncodingException>(() => PackingPlan.Create(10, 10, 10, 16, 16, 2048, sigma: 39));
        Assert.Throws<EncodingException>(() => PackingPlan.Create(0, 10, 10, 16, 16, 2048));
    }

    [Fact]
    public void PlanPacksAsTheProtocolSays()
    {
        var wide = PackingPlan.Create(2000, 100, 10, 32, 32, 2048);
        Assert.Equal(32 + 32 + 7, wide.ProductBits);
        Assert.Equal(wide.ProductBits + 1 + 40 + 15, wide.MaskBits); // λ = ceil(log2(2000·10)) = 15
        Assert.Equal(wide.MaskBits + 1, wide.SlotBits);
        Assert.Equal(2046 / wide.SlotBits, wide.Slots);
        Assert.Equal((1, 10), (wide.RowGroupSize, wide.ColumnGroupSize));
        var vector = PackingPlan.Create(2000, 100, 1, 32, 32, 2048);
        Assert.Equal((vector.Slots, 1), (vector.RowGroupSize, vector.ColumnGroupSize));
        Assert.Equal((2000 + vector.Slots - 1) / vector.Slots, vector.ResultCount);
        var many = PackingPlan.Create(5, 100, 50, 32, 32, 2048);
        Assert.Equal((1, many.Slots), (many.RowGroupSize, many.ColumnGroupSize));
        Assert.Equal((50 + many.Slots - 1) / many.Slots, many.ColumnGroups);
        Assert.True(many.SlotBits * many.Slots <= 2046);
    }

    [Theory]
    [InlineData(2000, 10)]
    [InlineData(2000, 1)]
    [InlineData(7, 50)]
    [InlineData(3, 1000)]
    [InlineData(1, 200_000)]
    public void TilesCoverEveryResultOnceInContiguousRunsOfAtMostEight(int rows, int columns)
    {
        var plan = PackingPlan.Create(rows, 4, columns, 16, 16, 2048);
        var next = 0;
        var entries = 0L;
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            var (first, count) = plan.TileResults(tile);
            Assert.Equal(next, first);
            Assert.InRange(count, 1, PackingPlan.ResultsPerTile);
            var band = plan.Band(tile);
            var area = plan.Tile(tile);
            Assert.Equal(count, area.RowGroupCount * area.ColumnGroupCount);
            Assert.True(area.RowGroupCount == 1 || area.ColumnGroupCount == plan.ColumnGroups);
            entries += (long)band.Rows * band.Columns;
            next = first + count;
        }

        Assert.Equal(plan.ResultCount, next);
        Assert.Equal((long)rows * columns, entries);
    }

    private static Matrix<long> RandomMatrix(Random random, int rows, int columns, int bits)
    {
        var limit = (1L << bits) - 1;
        var data = new long[rows * columns];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i % 7 == 3 ? (i % 2 == 0 ? limit : -limit) : random.NextInt64(-limit, limit + 1);
        }

        return new Matrix<long>(rows, columns, data);
    }
}
