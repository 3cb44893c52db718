using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

public sealed class NoiseTests
{
    public static TheoryData<int, int, int, int, ShareDomain> Shapes => new()
    {
        { 10_000, 100, 10, 32, ShareDomain.Ring64 },   // W1
        { 10_000, 100, 10, 32, ShareDomain.Integer },
        { 100_000, 100, 1, 32, ShareDomain.Ring64 },   // W3
        { 100_000, 100, 1, 32, ShareDomain.Integer },
        { 7, 3, 5, 16, ShareDomain.Ring64 },
        { 1, 1, 1, 1, ShareDomain.Integer },
        { 300, 2000, 40, 24, ShareDomain.Ring64 },
        { 50, 50, 50, 44, ShareDomain.Ring64 },
    };

    [Fact]
    public void BoundsBeyondTheFloodingRangeAreRefusedClearly()
    {
        // 63-bit entries summed over 100 000 inner indices need flooding above 2^127: refused, as the plan documents.
        var error = Assert.Throws<EncodingException>(() => CoefficientPlan.Create(50, 100_000, 50, 63, 63));
        Assert.Contains("lower the bit bounds", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every plan stays inside the standard's table, floods σ + λ bits above its noise bound and still decrypts.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void PlansRespectTheStandardAndFloodAboveTheNoiseBound(int m, int k, int n, int bits, ShareDomain domain)
    {
        var plan = CoefficientPlan.Create(m, k, n, bits, bits, 40, domain);
        var parameters = plan.CreateParameters();
        Assert.Contains(parameters.Degree, BfvParameters.Degrees);
        Assert.True(parameters.CoefficientBits <= BfvParameters.MaxCoefficientBits(parameters.Degree));
        Assert.All(parameters.Primes, p => Assert.Equal(1UL, p.Value % (2UL * (ulong)parameters.Degree)));
        Assert.True((long)plan.BlockRows * plan.BlockInner * plan.BlockColumns <= parameters.Degree);

        // The bound recomputed from its definition: (k/k_w)·m_w·k_w products of |x| ≤ 2^bx − 1 with |e + ½| ≤ η + ½.
        var expectedEvaluation = (((BigInteger)plan.InnerBlocks * plan.BlockRows * plan.BlockInner * ((BigInteger.One << bits) - 1) * 43) + 1) / 2;
        Assert.Equal(expectedEvaluation, plan.EvaluationNoise);
        Assert.Equal(21 * ((2 * parameters.Degree) + 1), (int)plan.RerandomisationNoise);
        var lambda = (int)Math.Ceiling(Math.Log2((double)plan.ResultCount * plan.PositionsPerResult));
        Assert.Equal(lambda, plan.FloodCountBits);
        Assert.True(plan.FloodBits >= BigInteger.Log(plan.EvaluationNoise + plan.RerandomisationNoise, 2) + 40 + lambda);
        Assert.True(plan.WorstCaseNoiseBudget(parameters) >= 1, $"{plan}: budget {plan.WorstCaseNoiseBudget(parameters)}");
        Assert.Equal(domain == ShareDomain.Ring64 ? 64 : plan.ProductBits + 1 + 40 + (int)Math.Ceiling(Math.Log2((double)m * n)), plan.PlainBits);
    }

    /// <summary>
    /// Before switching, the measured noise of a reply on extreme inputs stays under the plan's evaluation +
    /// re-randomisation bound, and with the plan's flooding it is 2^f: σ + λ bits above that bound.
    /// </summary>
    [Fact]
    public void MeasuredFloodingDominatesTheMeasuredAndComputedEvaluationNoise()
    {
        const int bits = 20;
        var plan = CoefficientPlan.WithBlocks(64, 16, 8, bits, bits, 40, ShareDomain.Ring64, 8192, 64, 16, 8);
        var parameters = BfvParameters.Create(8192, [60, 60, 60], replyPrimes: 3, plainBits: 64);
        var keys = new BfvKeyGenerator(parameters);
        var evaluator = new BfvEvaluator(keys.CreatePublicKey());
        var decryptor = new BfvDecryptor(keys.SecretKey);
        var random = new Random(11);
        var x = Matrices.Random(random, 64, 16, bits, extreme: true);
        var y = Matrices.Random(random, 16, 8, bits, extreme: true);
        var ciphertext = new byte[parameters.SeededCiphertextBytes];
        var yHat = new long[8192];
        BfvEncryptKernel.Encode(plan, y, 0, 0, yHat);
        new BfvEncryptor(keys.SecretKey).Encrypt(yHat, ciphertext);
        var operand = BfvOperand.Read(parameters, ciphertext);
        var xHat = new long[8192];
        BfvEvaluateKernel.Encode(plan, x, 0, 0, xHat);
        var plain = new ulong[evaluator.PolynomialWords];
        evaluator.TransformPlain(xHat, plain);
        var positions = Enumerable.Range(0, 8192).ToArray(); // every coefficient

        double MeasuredNoiseBits(int floodBits)
        {
            var acc0 = new ulong[evaluator.PolynomialWords];
            var acc1 = new ulong[evaluator.PolynomialWords];
            evaluator.MultiplyAccumulate(plain, operand, acc0, acc1);
            using var xof = Xof.Fresh();
            evaluator.Rerandomise(acc0, acc1, floodBits, positions, xof);
            return decryptor.InvariantNoiseBits(acc0, acc1, positions) - 64; // log2 max |noise| over all coefficients
        }

        var bound = BigInteger.Log(plan.EvaluationNoise + plan.RerandomisationNoise + 1, 2);
        var unflooded = MeasuredNoiseBits(0);
        Assert.True(unflooded <= bound, $"measured {unflooded:F2} bits above the bound {bound:F2}");
        var flooded = MeasuredNoiseBits(plan.FloodBits);
        Assert.InRange(flooded, plan.FloodBits - 1, plan.FloodBits + 0.01);
        Assert.True(flooded - bound >= 40 + plan.FloodCountBits - 1);
    }
}
