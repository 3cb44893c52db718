using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;

namespace Duet.Crypto.Tests.Lattice;

public sealed class LatticeProtocolTests
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
                    var result = LatticeReferenceProtocol.Run(left, right, new ProtocolParameters(bits, bits, Domain: domain), side, parallelism: 2);
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
