using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.MatMul;

namespace Duet.Crypto.Tests;

/// <summary>The comb across bases (subset tables, one bit plane at a time) against BigInteger.ModPow on both backends.</summary>
public sealed class SubsetCombTests
{
    public static TheoryData<string> BackendNames => [Backends.Native, Backends.Managed];

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void HornerOverBitPlanesGivesTheMultiExponentiationForEveryRunWidth(string backend)
    {
        var random = TestNumbers.Seeded(1024);
        var modulus = TestNumbers.OddModulus(random, 1024);
        using var context = Backends.Create(modulus, backend);
        foreach (var count in new[] { 1, 7, 16, 23 })
        {
            var values = Enumerable.Range(0, count).Select(_ => TestNumbers.Below(random, modulus)).ToArray();
            var bases = values.Select(v =>
            {
                var residue = context.NewResidue();
                context.Load(v, residue);
                return residue;
            }).ToArray();
            foreach (var runBits in new[] { 1, 3, 5, 16 })
            {
                using var comb = new SubsetComb(context, bases, runBits, parallelism: 2);
                Assert.Equal((count + runBits - 1) / runBits, comb.Runs);
                foreach (var planes in new[] { 1, 33, 64 })
                {
                    // All zero, all ones (every subset's top entry) and random exponents of `planes` bits.
                    var top = planes == 64 ? ulong.MaxValue : (1UL << planes) - 1;
                    foreach (var exponents in new[]
                    {
                        new ulong[count],
                        Enumerable.Repeat(top, count).ToArray(),
                        Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() & top).ToArray(),
                    })
                    {
                        var expected = BigInteger.One;
                        for (var i = 0; i < count; i++)
                        {
                            expected = expected * BigInteger.ModPow(values[i], exponents[i], modulus) % modulus;
                        }

                        using var accumulator = context.NewResidue();
                        context.SetOne(accumulator);
                        for (var plane = planes - 1; plane >= 0; plane--)
                        {
                            context.Square(accumulator, accumulator);
                            comb.MultiplyPlane(exponents, plane, accumulator);
                        }

                        Assert.Equal(expected, context.Store(accumulator));
                    }
                }
            }

            foreach (var b in bases)
            {
                b.Dispose();
            }
        }
    }

    [Fact]
    public void EntryCountIsTwoToTheWidthPerFullRunAndTheRestForTheLast()
    {
        Assert.Equal(7L * 4096, SubsetComb.EntryCount(84, 12));
        Assert.Equal((8L * 4096) + 16, SubsetComb.EntryCount(100, 12));
        Assert.Equal(9, SubsetComb.RunCount(100, 12));
    }

    [Fact]
    public void ADisposedCombOrAWrongCountIsRefused()
    {
        var random = TestNumbers.Seeded(256);
        var modulus = TestNumbers.OddModulus(random, 256);
        using var context = Backends.Create(modulus, Backends.Native);
        using var one = context.NewResidue();
        context.SetOne(one);
        var comb = new SubsetComb(context, [one, one, one], 2);
        Assert.Throws<ArgumentException>(() => comb.MultiplyPlane(new ulong[2], 0, one));
        comb.Dispose();
        Assert.Throws<ObjectDisposedException>(() => comb.MultiplyPlane(new ulong[3], 0, one));
    }

    [Fact]
    public void TheEvaluatorTakesTheCombForTheIssueWorkloadsWithinTheDefaultBudget()
    {
        // W1 (10000×100 · 100×10) and W3 (100000×100 · 100×1), 32-bit entries, 2048-bit key (|α| = 2048 + 40).
        var w1 = PackingPlan.Create(10000, 100, 10, 32, 32, 2048);
        var w3 = PackingPlan.Create(100000, 100, 1, 32, 32, 2048);
        foreach (var plan in new[] { w1, w3 })
        {
            var choice = EvaluationBases.Choose(plan, 512, 2088, EvaluationBases.DefaultMemoryBudget);
            Assert.Equal(MultiExpStrategy.SubsetComb, choice.Strategy);
            var bytes = (SubsetComb.EntryCount(plan.TermsPerResult, choice.Window) * plan.ColumnGroups) + SubsetComb.EntryCount(64, choice.RerandomiserWindow);
            Assert.True(bytes * (512 + 96) <= EvaluationBases.DefaultMemoryBudget, $"{choice}: {bytes} entries of 512 bytes and their overhead");
        }
    }
}
