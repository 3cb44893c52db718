using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

/// <summary>What the actor runtime relies on: wire sizes known from the plan alone (checked at the handshake), and
/// tiles computed into bands of rows that assemble to the same exact shares.</summary>
public sealed class BfvBandTests
{
    public static TheoryData<int, int, int, int, ShareDomain> Plans => new()
    {
        { 7, 4, 3, 16, ShareDomain.Ring64 },
        { 900, 30, 8, 16, ShareDomain.Integer },
        { 10000, 100, 10, 32, ShareDomain.Ring64 },
        { 10000, 100, 10, 32, ShareDomain.Integer },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void WireSizesFromThePlanEqualThoseOfItsParameters(int m, int k, int n, int bits, ShareDomain domain)
    {
        var plan = CoefficientPlan.Create(m, k, n, bits, bits, domain: domain);
        var parameters = plan.CreateParameters();
        Assert.Equal(parameters.SeededCiphertextBytes, plan.SeededCiphertextBytes);
        Assert.Equal(BfvDecryptKernel.ReplyBytes(plan, parameters), plan.ReplyBytes);
        Assert.Equal(plan.PrimeBits, parameters.Primes.Select(p => p.Bits));
    }

    [Theory]
    [InlineData(ShareDomain.Ring64)]
    [InlineData(ShareDomain.Integer)]
    public void TilesComputedIntoBandsAssembleToExactShares(ShareDomain domain)
    {
        var random = new Random(15);
        var x = Matrices.Random(random, 900, 30, 16, extreme: true);
        var y = Matrices.Random(random, 30, 8, 16, extreme: false);
        var plan = CoefficientPlan.Create(x.Rows, x.Columns, y.Columns, 16, 16, domain: domain);
        Assert.True(plan.Tiles > 2, $"{plan} has {plan.Tiles} tiles");
        var parameters = plan.CreateParameters();
        var keys = new BfvKeyGenerator(parameters);
        var publicKey = keys.CreatePublicKey();
        var encryptor = new BfvEncryptor(keys.SecretKey);
        var width = parameters.SeededCiphertextBytes;
        var operands = new BfvOperand[plan.EncryptedCount];
        for (var block = 0; block < plan.EncryptBlocks; block++)
        {
            var (first, count) = plan.EncryptBlock(block);
            var bytes = new byte[count * width];
            BfvEncryptKernel.EncryptBlock(plan, y, encryptor, first, count, bytes);
            for (var i = 0; i < count; i++)
            {
                operands[first + i] = BfvOperand.Read(parameters, bytes.AsSpan(i * width, width));
            }
        }

        var evaluator = new BfvEvaluator(publicKey);
        var decryptor = new BfvDecryptor(keys.SecretKey);
        var (evaluatorShare, encryptorShare) = (new Matrix<BigInteger>(plan.Rows, plan.Columns), new Matrix<BigInteger>(plan.Rows, plan.Columns));
        var covered = 0;
        for (var tile = 0; tile < plan.Tiles; tile++)
        {
            var (first, count) = plan.TileResults(tile);
            var (firstRow, rows, _, _) = plan.Band(tile);
            Assert.Equal(covered, firstRow);
            covered += rows;
            var replies = new byte[count * plan.ReplyBytes];
            var (vBand, eBand) = (new Matrix<BigInteger>(rows, plan.Columns), new Matrix<BigInteger>(rows, plan.Columns));
            BfvEvaluateKernel.EvaluateTile(plan, evaluator, operands, x, tile, replies, vBand, firstRow);
            BfvDecryptKernel.DecryptBlock(plan, decryptor, replies, first, count, eBand, firstRow);
            vBand.Data.CopyTo(evaluatorShare.Data, firstRow * plan.Columns);
            eBand.Data.CopyTo(encryptorShare.Data, firstRow * plan.Columns);
        }

        Assert.Equal(plan.Rows, covered);
        var product = Shares.Product(x, y);
        var expected = Shares.Reconstruct(Shares.Reduce(product, domain), product.Map(_ => BigInteger.Zero), domain);
        Assert.Equal(expected.Data, Shares.Reconstruct(encryptorShare, evaluatorShare, domain).Data);
    }
}
