using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Reference;

namespace Duet.Crypto.Tests.Lattice;

public sealed class BfvProtocolTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 16 },
        { 5, 1, 4, 16 },
        { 29, 6, 1, 16 },
        { 3, 4, 30, 20 },
        { 40, 3, 2, 8 },
        { 300, 50, 7, 32 },
    };

    [Fact]
    public void IntegerSharesOfWideProductsNeedMoreThan128PlainBits()
    {
        // 40- and 32-bit entries, k = 100: bz = 79 and τ = 79 + 1 + 40 + 14 = 134 bits, three words per coefficient.
        var random = new Random(5);
        var left = Matrices.Random(random, 1000, 100, 40, extreme: true);
        var right = Matrices.Random(random, 100, 10, 32, extreme: false);
        var result = BfvReferenceProtocol.Run(left, right, new ProtocolParameters(40, 32, Domain: ShareDomain.Integer), parallelism: 2);
        Assert.True(result.Plan.PlainBits > 128);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(result.LeftShare, result.RightShare, ShareDomain.Integer).Data);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SharesReconstructTheExactProduct(int m, int k, int n, int bits)
    {
        var random = new Random((m * 1000) + (k * 100) + n);
        foreach (var extreme in new[] { false, true })
        {
            var left = Matrices.Random(random, m, k, bits, extreme);
            var right = Matrices.Random(random, k, n, bits, extreme);
            var product = Shares.Product(left, right);
            foreach (var domain in new[] { ShareDomain.Ring64, ShareDomain.Integer })
            {
                // ring64 reconstructs P mod 2^64 read as signed: P itself while |P| < 2^63.
                var expected = Shares.Reconstruct(Shares.Reduce(product, domain), product.Map(_ => System.Numerics.BigInteger.Zero), domain);
                foreach (var side in new[] { OperandSide.Right, OperandSide.Left })
                {
                    var result = BfvReferenceProtocol.Run(left, right, new ProtocolParameters(bits, bits, Domain: domain), side, parallelism: 2);
                    Assert.Equal(side, result.Encryptor);
                    var reconstructed = Shares.Reconstruct(result.LeftShare, result.RightShare, domain);
                    Assert.Equal(expected.Data, reconstructed.Data);
                    if (domain == ShareDomain.Ring64)
                    {
                        Assert.All(result.LeftShare.Data, s => Assert.InRange(s, 0, ulong.MaxValue));
                    }
                }
            }
        }
    }
}
