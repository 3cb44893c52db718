using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

public sealed class CoefficientLayoutTests
{
    public static TheoryData<int, int, int, int, int, int, int> Blocks => new()
    {
        // m, k, n, N, m_w, k_w, n_w
        { 3, 4, 5, 8192, 3, 4, 5 },
        { 128, 8, 8, 8192, 128, 8, 8 },      // fills N = 8192
        { 16, 32, 16, 8192, 16, 32, 16 },    // fills N = 8192
        { 32, 16, 32, 16384, 32, 16, 32 },   // fills N = 16384
        { 1, 8192, 1, 8192, 1, 8192, 1 },    // one row, whole inner dimension
        { 8192, 1, 1, 8192, 8192, 1, 1 },    // one column of rows
    };

    /// <summary>The plaintext negacyclic product X̂·Ŷ holds Σ_j X[i][j]·Y[j][l] at l·m_w·k_w + i·k_w + k_w − 1.</summary>
    [Theory]
    [MemberData(nameof(Blocks))]
    public void ResultCoefficientsHoldTheProduct(int m, int k, int n, int degree, int mw, int kw, int nw)
    {
        foreach (var extreme in new[] { false, true })
        {
            const int bits = 20;
            var plan = CoefficientPlan.WithBlocks(m, k, n, bits, bits, 40, ShareDomain.Ring64, degree, mw, kw, nw);
            var random = new Random(m + k + n);
            var x = Matrices.Random(random, m, k, bits, extreme);
            var y = Matrices.Random(random, k, n, bits, extreme);
            var xHat = new long[degree];
            var yHat = new long[degree];
            BfvEvaluateKernel.Encode(plan, x, 0, 0, xHat);
            BfvEncryptKernel.Encode(plan, y, 0, 0, yHat);
            var product = BfvTests.NegacyclicModPowerOfTwo(xHat, yHat, 64);
            var expected = Shares.Product(x, y);
            var positions = plan.Positions();
            for (var p = 0; p < positions.Length; p++)
            {
                var (row, column) = BfvShares.Entry(plan, 0, 0, p);
                Assert.Equal(Shares.Reduce(expected[row, column], ShareDomain.Ring64), (System.Numerics.BigInteger)product[positions[p]]);
            }
        }
    }
}

internal static class Matrices
{
    /// <summary>Entries uniform in (−2^bits, 2^bits), or all ±(2^bits − 1) with random signs.</summary>
    public static Matrix<long> Random(Random random, int rows, int columns, int bits, bool extreme)
    {
        var bound = (1L << bits) - 1;
        var result = new Matrix<long>(rows, columns);
        for (var i = 0; i < result.Data.Length; i++)
        {
            result.Data[i] = extreme ? (random.Next(2) == 0 ? bound : -bound) : random.NextInt64(-bound, bound + 1);
        }

        return result;
    }
}
