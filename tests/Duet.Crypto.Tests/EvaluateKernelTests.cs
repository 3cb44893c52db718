using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests;

/// <summary>The evaluator's tile kernel re-randomises every result inside its multi-exponentiation (docs/protocol.md §5.4).</summary>
public sealed class EvaluateKernelTests(KeyFixture fixture) : IClassFixture<KeyFixture>
{
    private readonly PaillierPrivateKey key = fixture.Key;

    [Theory]
    [InlineData(MultiExpStrategy.FixedBaseTables)]
    [InlineData(MultiExpStrategy.Pippenger)]
    [InlineData(MultiExpStrategy.SubsetComb)]
    public void DisposedBasesRefuseToEvaluate(MultiExpStrategy strategy)
    {
        // The walks multiply by pinned native addresses: after a dispose they must throw, never read freed memory.
        var publicKey = key.Context;
        var plan = PackingPlan.Create(5, 3, 2, 16, 16, publicKey.Key.Bits);
        var operands = SmallOperands(plan);
        var bases = EvaluationBases.Build(plan, publicKey, operands, only: strategy);
        bases.Dispose();
        var x = new Matrix<long>(plan.Rows, plan.Inner);
        var (_, count) = plan.TileResults(0);
        Assert.Throws<ObjectDisposedException>(() => PaillierEvaluateKernel.EvaluateTile(
            bases, new PaillierEvaluator(publicKey), x, 0, new byte[count * publicKey.Key.CiphertextBytes], new Matrix<BigInteger>(plan.Rows, plan.Columns)));
    }

    [Theory]
    [InlineData(MultiExpStrategy.FixedBaseTables)]
    [InlineData(MultiExpStrategy.Pippenger)]
    [InlineData(MultiExpStrategy.SubsetComb)]
    public void EveryResultCarriesAFreshRerandomiserOfTheFullLength(MultiExpStrategy strategy)
    {
        // A ciphertext (1 + n)^m·ρ^n is ρ^n mod n, so without a re-randomiser a result mod n would be exactly
        // Π (Y_t mod n)^x_t, computable by anyone from the operands: each result must differ from that, and differently
        // each time the tile is evaluated.
        var publicKey = key.Context;
        var n = publicKey.Key.N;
        var plan = PackingPlan.Create(5, 3, 2, 16, 16, publicKey.Key.Bits);
        var random = new Random(7);
        var encryptor = new PaillierEncryptor(publicKey);
        var ciphertexts = new BigInteger[plan.EncryptedCount];
        var operands = new Residue[plan.EncryptedCount];
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = publicKey.Arithmetic.NewResidue();
            encryptor.Encrypt(random.Next(-1000, 1000), operands[i]);
            ciphertexts[i] = publicKey.Arithmetic.Store(operands[i]);
        }

        var x = new Matrix<long>(plan.Rows, plan.Inner);
        for (var r = 0; r < plan.Rows; r++)
        {
            for (var c = 0; c < plan.Inner; c++)
            {
                x[r, c] = random.Next(-30000, 30000);
            }
        }

        using var bases = EvaluationBases.Build(plan, publicKey, operands, only: strategy);
        Assert.Equal(strategy, bases.Strategy);
        if (strategy == MultiExpStrategy.SubsetComb)
        {
            // α in P-bit pieces: enough pieces for its full length, and not one more.
            Assert.Null(bases.Rerandomiser);
            var pieces = bases.RerandomiserComb!.Count;
            Assert.InRange(publicKey.Key.RerandomiserBits(plan.Sigma), ((pieces - 1) * bases.Planes) + 1, pieces * bases.Planes);
        }
        else
        {
            Assert.Equal(publicKey.Key.RerandomiserBits(plan.Sigma), bases.Rerandomiser!.ExponentBits);
            Assert.True(bases.Rerandomiser.Signed);
        }

        var evaluator = new PaillierEvaluator(publicKey);
        var area = plan.Tile(0);
        var (_, count) = plan.TileResults(0);
        var width = publicKey.Key.CiphertextBytes;
        var factors = new List<BigInteger>();
        for (var run = 0; run < 2; run++)
        {
            var output = new byte[count * width];
            var share = new Matrix<BigInteger>(plan.Rows, plan.Columns);
            PaillierEvaluateKernel.EvaluateTile(bases, evaluator, x, 0, output, share);
            for (var i = 0; i < count; i++)
            {
                var rowGroup = area.FirstRowGroup + (i / area.ColumnGroupCount);
                var columnGroup = area.FirstColumnGroup + (i % area.ColumnGroupCount);
                var unrandomised = BigInteger.One;
                for (var t = 0; t < plan.TermsPerResult; t++)
                {
                    var row = (rowGroup * plan.RowGroupSize) + (t % plan.RowGroupSize);
                    var value = row < plan.Rows ? x[row, t / plan.RowGroupSize] : 0;
                    var operand = ciphertexts[plan.OperandIndex(columnGroup, t / plan.RowGroupSize, t % plan.RowGroupSize)] % n;
                    var power = BigInteger.ModPow(operand, BigInteger.Abs(value), n);
                    unrandomised = unrandomised * (value < 0 ? ModInverse(power, n) : power) % n;
                }

                var result = new BigInteger(output.AsSpan(i * width, width), isUnsigned: true, isBigEndian: true) % n;
                var factor = result * ModInverse(unrandomised, n) % n;
                Assert.NotEqual(BigInteger.One, factor);
                factors.Add(factor);
            }
        }

        Assert.Equal(factors.Count, factors.Distinct().Count());

        // X may come as the tile's band of rows; a band that does not cover the tile's rows, or of another width, is refused.
        var band = plan.Band(0);
        var rowsOfTile = new Matrix<long>(band.Rows, plan.Inner, x.Data[(band.FirstRow * plan.Inner)..((band.FirstRow + band.Rows) * plan.Inner)]);
        var tileShare = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        PaillierEvaluateKernel.EvaluateTile(bases, evaluator, rowsOfTile, 0, new byte[count * width], tileShare, xFirstRow: band.FirstRow);
        Assert.Throws<EncodingException>(() => PaillierEvaluateKernel.EvaluateTile(bases, evaluator, rowsOfTile, 0, new byte[count * width], tileShare, xFirstRow: band.FirstRow + 1));
        Assert.Throws<EncodingException>(() => PaillierEvaluateKernel.EvaluateTile(bases, evaluator, new Matrix<long>(plan.Rows, plan.Inner + 1), 0, new byte[count * width], tileShare));
    }

    [Fact]
    public void TheCombRefusesAnEntryOutsideItsDeclaredBoundRatherThanWrapIt()
    {
        // The comb raises x + 2^bx over bx + 1 bit planes: an entry at 2^bx or below −2^bx would wrap silently.
        var publicKey = key.Context;
        var plan = PackingPlan.Create(5, 3, 2, 16, 16, publicKey.Key.Bits);
        var operands = SmallOperands(plan);
        using var bases = EvaluationBases.Build(plan, publicKey, operands, only: MultiExpStrategy.SubsetComb);
        var (_, count) = plan.TileResults(0);
        var output = new byte[count * publicKey.Key.CiphertextBytes];
        var share = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        foreach (var (entry, refused) in new[] { ((1L << 16) - 1, false), (-(1L << 16) + 1, false), (1L << 16, true), (-(1L << 16), true), (-(1L << 16) - 1, true) })
        {
            var x = new Matrix<long>(plan.Rows, plan.Inner);
            x[0, 0] = entry;
            var evaluate = () => PaillierEvaluateKernel.EvaluateTile(bases, new PaillierEvaluator(publicKey), x, 0, output, share);
            if (refused)
            {
                Assert.Contains(entry.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Throws<EncodingException>(evaluate).Message, StringComparison.Ordinal);
            }
            else
            {
                evaluate();
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(63)]
    public void TheCombsPowerIsTheProductOfTheOperandPowersAndTheWholeRerandomiser(int bits)
    {
        // Π Y^x · h_s^α exactly, with α = 2^|α| − 1 (every piece full, so a piece too short or powers spaced wrongly
        // show) and with α = 1, entries at both ends of the bound, two column groups.
        var publicKey = key.Context;
        var plan = PackingPlan.Create(3, 2, 20, bits, 8, publicKey.Key.Bits, domain: ShareDomain.Integer);
        Assert.True(plan.ColumnGroups > 1);
        var operands = SmallOperands(plan);
        var values = operands.Select(publicKey.Arithmetic.Store).ToArray();
        using var bases = EvaluationBases.Build(plan, publicKey, operands, only: MultiExpStrategy.SubsetComb);
        var alphaBits = publicKey.Key.RerandomiserBits(plan.Sigma);
        var top = (1L << bits) - 1;
        var x = Enumerable.Range(0, plan.TermsPerResult).Select(t => t % 3 == 0 ? top : t % 3 == 1 ? -top : t - 7L).ToArray();
        foreach (var alpha in new[] { (BigInteger.One << alphaBits) - 1, BigInteger.One })
        {
            var pieces = new ulong[bases.RerandomiserComb!.Count];
            var bytes = new byte[pieces.Length * sizeof(ulong)];
            for (var i = 0; i < pieces.Length; i++)
            {
                var piece = (ulong)((alpha >> (i * bases.Planes)) & ulong.MaxValue) & (bases.Planes == 64 ? ulong.MaxValue : (1UL << bases.Planes) - 1);
                BitConverter.TryWriteBytes(bytes.AsSpan(i * sizeof(ulong)), piece);
            }

            PaillierEvaluateKernel.AlphaPieces(bytes, bases.Planes, alphaBits, pieces);
            for (var cg = 0; cg < plan.ColumnGroups; cg++)
            {
                var expected = BigInteger.ModPow(publicKey.Key.Hs, alpha, publicKey.Key.NSquared);
                for (var t = 0; t < plan.TermsPerResult; t++)
                {
                    var operand = values[plan.OperandIndex(cg, t / plan.RowGroupSize, t % plan.RowGroupSize)];
                    var power = BigInteger.ModPow(operand, BigInteger.Abs(x[t]), publicKey.Key.NSquared);
                    expected = expected * (x[t] < 0 ? ModInverse(power, publicKey.Key.NSquared) : power) % publicKey.Key.NSquared;
                }

                var offsetEntries = x.Select(v => unchecked((ulong)v + (1UL << bits))).ToArray();
                using var result = publicKey.Arithmetic.NewResidue();
                bases.CombPower(cg, offsetEntries, pieces, result);
                Assert.Equal(expected, publicKey.Arithmetic.Store(result));
            }
        }
    }

    [Theory]
    [InlineData(33, 2088)]
    [InlineData(33, 2079)]
    [InlineData(64, 2088)]
    [InlineData(17, 489)]
    public void AlphaPiecesCoverEveryBitOfAlphaAndNoMore(int pieceBits, int alphaBits)
    {
        var pieces = new ulong[(alphaBits + pieceBits - 1) / pieceBits];
        var ones = Enumerable.Repeat((byte)0xFF, pieces.Length * sizeof(ulong)).ToArray();
        PaillierEvaluateKernel.AlphaPieces(ones, pieceBits, alphaBits, pieces);
        var alpha = pieces.Select((p, i) => (BigInteger)p << (i * pieceBits)).Aggregate(BigInteger.Add);
        Assert.Equal((BigInteger.One << alphaBits) - 1, alpha);
        Assert.Throws<ArgumentException>(() => PaillierEvaluateKernel.AlphaPieces(ones, pieceBits, alphaBits + pieceBits, pieces));
    }

    // Enc(1), Enc(2), … for every operand of the plan.
    private Residue[] SmallOperands(PackingPlan plan)
    {
        var publicKey = key.Context;
        var operands = new Residue[plan.EncryptedCount];
        var encryptor = new PaillierEncryptor(publicKey);
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = publicKey.Arithmetic.NewResidue();
            encryptor.Encrypt(i + 1, operands[i]);
        }

        return operands;
    }

    // Extended Euclid; the values here are units mod n.
    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        var (oldR, r) = (value, modulus);
        var (oldS, sCoefficient) = (BigInteger.One, BigInteger.Zero);
        while (!r.IsZero)
        {
            var quotient = BigInteger.Divide(oldR, r);
            (oldR, r) = (r, oldR - (quotient * r));
            (oldS, sCoefficient) = (sCoefficient, oldS - (quotient * sCoefficient));
        }

        Assert.Equal(BigInteger.One, oldR);
        return ((oldS % modulus) + modulus) % modulus;
    }
}
