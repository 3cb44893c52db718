using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Tests;

/// <summary>Fixed-base tables, unsigned and with signed digits, against BigInteger.ModPow on both backends.</summary>
public sealed class FixedBaseTableTests
{
    public static TheoryData<string> BackendNames => [Backends.Native, Backends.Managed];

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void SignedDigitsGiveThePowerForEveryWindowAndEdgeExponent(string backend)
    {
        var random = TestNumbers.Seeded(521);
        var modulus = TestNumbers.OddModulus(random, 521);
        using var context = Backends.Create(modulus, backend);
        var @base = TestNumbers.Below(random, modulus);
        using var residue = context.NewResidue();
        context.Load(@base, residue);
        foreach (var bits in new[] { 1, 5, 32, 33, 64 })
        {
            for (var window = 2; window <= 12; window++)
            {
                using var table = new FixedBaseTable(context, residue, bits, window, signedDigits: true, parallelism: 2);
                Assert.Equal(FixedBaseTable.EntryCount(bits, window, signedDigits: true), (long)table.Windows << (window - 1));
                foreach (var exponent in Exponents(random, bits, window))
                {
                    Assert.Equal(BigInteger.ModPow(@base, exponent, modulus), Power(context, table, exponent, wide: false));
                    Assert.Equal(BigInteger.ModPow(@base, exponent, modulus), Power(context, table, exponent, wide: true));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void APinnedFactorMultipliesLikeTheResidueAndBelongsToItsContext(string backend)
    {
        var random = TestNumbers.Seeded(2048);
        var modulus = TestNumbers.OddModulus(random, 2048);
        using var context = Backends.Create(modulus, backend);
        using var other = Backends.Create(TestNumbers.OddModulus(random, 2048), backend);
        var (a, b) = (TestNumbers.Below(random, modulus), TestNumbers.Below(random, modulus));
        using var accumulator = context.NewResidue();
        using var factor = context.NewResidue();
        context.Load(a, accumulator);
        context.Load(b, factor);
        var pinned = context.Pin(factor);
        context.Prefetch(pinned, digits: false);
        context.Prefetch(pinned, digits: true);
        context.MultiplyBy(accumulator, pinned);
        context.MultiplyBy(accumulator, pinned);
        Assert.Equal(a * b * b % modulus, context.Store(accumulator));
        Assert.Same(factor, pinned.Residue);
        if (backend == Backends.Native)
        {
            using var foreign = other.NewResidue();
            Assert.Throws<ArgumentException>(() => other.MultiplyBy(foreign, pinned));
        }
    }

    [Fact]
    public void ADisposedTableRefusesToMultiply()
    {
        var random = TestNumbers.Seeded(256);
        var modulus = TestNumbers.OddModulus(random, 256);
        using var context = Backends.Create(modulus);
        using var residue = context.NewResidue();
        context.Load(TestNumbers.Below(random, modulus), residue);
        var table = new FixedBaseTable(context, residue, 32, 4, signedDigits: true);
        table.Dispose();
        using var positive = context.NewResidue();
        using var negative = context.NewResidue();
        Assert.Throws<ObjectDisposedException>(() => table.MultiplyPower(12345UL, positive, negative));
    }

    [Fact]
    public void SignedDigitsOfALongExponentGiveThePower()
    {
        var random = TestNumbers.Seeded(1024);
        var modulus = TestNumbers.OddModulus(random, 1024);
        using var context = Backends.Create(modulus);
        var @base = TestNumbers.Below(random, modulus);
        using var residue = context.NewResidue();
        context.Load(@base, residue);
        foreach (var window in new[] { 4, 7, 12 })
        {
            using var table = new FixedBaseTable(context, residue, 1064, window, signedDigits: true, parallelism: 2);
            foreach (var exponent in Exponents(random, 1064, window))
            {
                Assert.Equal(BigInteger.ModPow(@base, exponent, modulus), Power(context, table, exponent, wide: true));
            }
        }
    }

    [Fact]
    public void UnsignedTablesStillPowerAndRefuseTheSignedForm()
    {
        var random = TestNumbers.Seeded(512);
        var modulus = TestNumbers.OddModulus(random, 512);
        using var context = Backends.Create(modulus);
        var @base = TestNumbers.Below(random, modulus);
        using var residue = context.NewResidue();
        context.Load(@base, residue);
        using var table = new FixedBaseTable(context, residue, 40, 6, signedDigits: false, parallelism: 2);
        using var value = context.NewResidue();
        foreach (var exponent in Exponents(random, 40, 6))
        {
            table.Pow(exponent, value);
            Assert.Equal(BigInteger.ModPow(@base, exponent, modulus), context.Store(value));
            context.SetOne(value);
            table.MultiplyPower((ulong)exponent, value);
            Assert.Equal(BigInteger.ModPow(@base, exponent, modulus), context.Store(value));
        }

        Assert.Throws<InvalidOperationException>(() => table.MultiplyPower(1UL, value, value));
        using var signedTable = new FixedBaseTable(context, residue, 40, 6, signedDigits: true);
        Assert.Throws<InvalidOperationException>(() => signedTable.Pow(1, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => signedTable.MultiplyPower(1UL << 40, value, value));
    }

    // 0, 1, the largest, every window at 2^(w−1) − 1 or 2^(w−1) (the recoding's carry edges), all ones, random values.
    private static IEnumerable<BigInteger> Exponents(Random random, int bits, int window)
    {
        var bound = BigInteger.One << bits;
        var half = BigInteger.Zero;
        var halfMinusOne = BigInteger.Zero;
        for (var shift = 0; shift < bits; shift += window)
        {
            half |= (BigInteger.One << (window - 1)) << shift;
            halfMinusOne |= ((BigInteger.One << (window - 1)) - 1) << shift;
        }

        BigInteger[] values = [0, 1, 2, bound - 1, bound >> 1, half % bound, halfMinusOne % bound, (half | halfMinusOne) % bound];
        return values.Where(v => v < bound).Concat(Enumerable.Range(0, 8).Select(_ => TestNumbers.Below(random, bound))).Distinct();
    }

    // base^e as positive / negative, through the 64-bit or the big-integer entry point.
    private static BigInteger Power(MontgomeryContext context, FixedBaseTable table, BigInteger exponent, bool wide)
    {
        if (!wide && exponent.GetBitLength() > 64)
        {
            return Power(context, table, exponent, wide: true);
        }

        using var positive = context.NewResidue();
        using var negative = context.NewResidue();
        context.SetOne(positive);
        context.SetOne(negative);
        if (wide)
        {
            table.MultiplyPower(exponent, positive, negative);
        }
        else
        {
            table.MultiplyPower((ulong)exponent, positive, negative);
        }

        context.Inverse(negative, negative);
        context.Multiply(positive, negative, positive);
        return context.Store(positive);
    }
}
