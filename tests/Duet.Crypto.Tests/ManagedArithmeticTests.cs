using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Tests;

/// <summary>Seeded random numbers for the arithmetic tests; every run sees the same values.</summary>
internal static class TestNumbers
{
    public static readonly int[] Widths = [64, 512, 1024, 2048, 4096];

    public static Random Seeded(int bits) => new(unchecked((bits * 7919) + 17));

    /// <summary>A random odd modulus of exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger OddModulus(Random random, int bits) =>
        Below(random, BigInteger.One << bits) | (BigInteger.One << (bits - 1)) | BigInteger.One;

    /// <summary>A uniform value in [0, bound).</summary>
    public static BigInteger Below(Random random, BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount(isUnsigned: true) + 8];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % bound;
    }

    /// <summary>0, 1, 2, m − 2, m − 1, the middle, and values whose low limbs or all limbs below the top are saturated.</summary>
    public static IEnumerable<BigInteger> EdgeValues(BigInteger modulus)
    {
        var bits = (int)modulus.GetBitLength();
        var topLimb = (bits - 1) / 64;
        BigInteger[] candidates =
        [
            0, 1, 2, modulus - 2, modulus - 1, modulus >> 1, (modulus >> 1) + 1,
            ulong.MaxValue, (BigInteger.One << (64 * topLimb)) - 1, (BigInteger.One << (bits - 1)) - 1,
        ];
        return candidates.Where(v => v.Sign >= 0 && v < modulus).Distinct();
    }

    public static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = BigInteger.Remainder(value, modulus);
        return r.Sign < 0 ? r + modulus : r;
    }
}

public sealed class ManagedArithmeticTests
{
    public static TheoryData<int> Widths => new(TestNumbers.Widths);

    /// <summary>Moduli whose limbs are all ones (2^k − 1) stress every carry.</summary>
    public static TheoryData<int> SaturatedWidths => new(64, 65, 128, 1024, 4096);

    [Fact]
    public void ReportsManagedBackendAndByteLength()
    {
        using var context = new ManagedMontgomeryContext((BigInteger.One << 1000) + 1);
        Assert.Equal("managed", context.Backend);
        Assert.Equal(Backends.Managed, context.Backend);
        Assert.Equal(126, context.ByteLength);
    }

    [Fact]
    public void RejectsUnsuitableModuli()
    {
        Assert.Throws<ArgumentException>(() => new ManagedMontgomeryContext(1));
        Assert.Throws<ArgumentException>(() => new ManagedMontgomeryContext(1 << 20));
        Assert.Throws<ArgumentException>(() => new ManagedMontgomeryContext(-7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ManagedMontgomeryContext((BigInteger.One << 8192) + 1));
        using var largest = new ManagedMontgomeryContext((BigInteger.One << 8192) - 1);
        Assert.Equal(1024, largest.ByteLength);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MultiplyAndSquareMatchBigInteger(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        for (var round = 0; round < (bits >= 4096 ? 1 : 3); round++)
        {
            var m = TestNumbers.OddModulus(random, bits);
            using var context = new ManagedMontgomeryContext(m);
            var values = TestNumbers.EdgeValues(m).Concat(Enumerable.Range(0, 6).Select(_ => TestNumbers.Below(random, m))).ToList();
            AssertProductsMatch(context, values);
        }
    }

    [Theory]
    [MemberData(nameof(SaturatedWidths))]
    public void MultiplyAndSquareMatchBigIntegerForSaturatedModuli(int bits)
    {
        var m = (BigInteger.One << bits) - 1;
        using var context = new ManagedMontgomeryContext(m);
        AssertProductsMatch(context, TestNumbers.EdgeValues(m).ToList());
    }

    [Fact]
    public void MultiplyMatchesBigIntegerForSmallAndOddSizedModuli()
    {
        var random = TestNumbers.Seeded(3);
        foreach (var m in new BigInteger[] { 3, 5, 0xFFFF_FFFF_FFFF_FFC5, TestNumbers.OddModulus(random, 65), TestNumbers.OddModulus(random, 1000), TestNumbers.OddModulus(random, 8192) })
        {
            using var context = new ManagedMontgomeryContext(m);
            AssertProductsMatch(context, TestNumbers.EdgeValues(m).Append(TestNumbers.Below(random, m)).ToList());
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LoadAndStoreRoundTripInBothForms(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        using var r = context.NewResidue();
        using var fromBytes = context.NewResidue();
        var bytes = new byte[context.ByteLength];
        foreach (var v in TestNumbers.EdgeValues(m).Concat(Enumerable.Range(0, 10).Select(_ => TestNumbers.Below(random, m))))
        {
            context.Load(v, r);
            Assert.Equal(v, context.Store(r));

            context.Store(r, bytes);
            Assert.Equal(v, new BigInteger(bytes, isUnsigned: true, isBigEndian: true));
            context.Load(bytes, fromBytes);
            Assert.True(context.AreEqual(r, fromBytes));

            // Shorter and zero-padded longer encodings mean the same value.
            var minimal = v.ToByteArray(isUnsigned: true, isBigEndian: true);
            context.Load(minimal, fromBytes);
            Assert.Equal(v, context.Store(fromBytes));
            context.Load(new byte[9].Concat(minimal).ToArray(), fromBytes);
            Assert.Equal(v, context.Store(fromBytes));
        }
    }

    [Fact]
    public void StoreWritesExactlyByteLengthBytes()
    {
        using var context = new ManagedMontgomeryContext((BigInteger.One << 100) + 3);
        using var r = context.NewResidue();
        context.Load(5, r);
        var bytes = new byte[context.ByteLength];
        context.Store(r, bytes);
        Assert.Equal(13, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 }, bytes);
        Assert.Throws<ArgumentException>(() => context.Store(r, new byte[12]));
        Assert.Throws<ArgumentException>(() => context.Store(r, new byte[14]));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LoadRejectsValuesOutsideTheRange(int bits)
    {
        var m = TestNumbers.OddModulus(TestNumbers.Seeded(bits), bits);
        using var context = new ManagedMontgomeryContext(m);
        using var r = context.NewResidue();
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m, r));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m + 1, r));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m << 70, r));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(BigInteger.MinusOne, r));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m.ToByteArray(isUnsigned: true, isBigEndian: true), r));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load((m + 2).ToByteArray(isUnsigned: true, isBigEndian: true), r));
        var wide = new byte[context.ByteLength + 8];
        wide[0] = 1;
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(wide, r));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DestinationMayAliasEitherInput(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        var x = TestNumbers.Below(random, m);
        var y = TestNumbers.Below(random, m);
        while (!BigInteger.GreatestCommonDivisor(x, m).IsOne)
        {
            x++;
        }

        using var a = context.NewResidue();
        using var b = context.NewResidue();

        context.Load(x, a);
        context.Load(y, b);
        context.Multiply(a, b, a);
        Assert.Equal(x * y % m, context.Store(a));

        context.Load(x, a);
        context.Multiply(a, b, b);
        Assert.Equal(x * y % m, context.Store(b));

        context.Load(x, a);
        context.Multiply(a, a, a);
        Assert.Equal(x * x % m, context.Store(a));

        context.Load(x, a);
        context.Square(a, a);
        Assert.Equal(x * x % m, context.Store(a));

        context.Load(x, a);
        context.Inverse(a, a);
        Assert.Equal(BigInteger.One, x * context.Store(a) % m);

        context.Load(x, a);
        context.Copy(a, a);
        Assert.Equal(x, context.Store(a));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void SetOneCopyAndAreEqualBehave(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        using var one = context.NewResidue();
        using var a = context.NewResidue();
        using var b = context.NewResidue();
        context.SetOne(one);
        Assert.Equal(BigInteger.One, context.Store(one));
        Assert.Equal(BigInteger.Zero, context.Store(context.NewResidue()));

        var x = TestNumbers.Below(random, m);
        context.Load(x, a);
        context.Multiply(a, one, b);
        Assert.True(context.AreEqual(a, b));
        context.Copy(a, b);
        Assert.True(context.AreEqual(a, b));
        context.Load(1, b);
        Assert.True(context.AreEqual(one, b));
        context.Load(x ^ 1, b);
        Assert.False(context.AreEqual(a, b));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void PowSecretMatchesModPow(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        var x = TestNumbers.Below(random, m);
        // Every exponent costs a full-width ladder, so the widest modulus gets one.
        var exponents = bits >= 4096
            ? new List<BigInteger> { TestNumbers.Below(random, m) }
            : new List<BigInteger> { 0, 1, TestNumbers.Below(random, BigInteger.One << 64), TestNumbers.Below(random, m) };
        if (bits <= 1024)
        {
            // Exponents longer than the modulus, and around the window size.
            exponents.AddRange([2, 31, 32, 33, BigInteger.One << bits, TestNumbers.Below(random, BigInteger.One << ((2 * bits) + 3))]);
        }

        foreach (var e in exponents)
        {
            Assert.Equal(BigInteger.ModPow(x, e, m), context.PowSecret(x, e));
        }
    }

    [Fact]
    public void PowSecretReducesTheBaseAndRejectsNegativeExponents()
    {
        var random = TestNumbers.Seeded(512);
        var m = TestNumbers.OddModulus(random, 512);
        using var context = new ManagedMontgomeryContext(m);
        var x = TestNumbers.Below(random, m);
        Assert.Equal(BigInteger.ModPow(x, 65537, m), context.PowSecret(x + (m * 3), 65537));
        Assert.Equal(TestNumbers.Mod(BigInteger.ModPow(-x, 65537, m), m), context.PowSecret(-x, 65537));
        Assert.Equal(BigInteger.Zero, context.PowSecret(m, 5));
        Assert.Equal(BigInteger.One, context.PowSecret(0, 0));
        Assert.Equal(m - 1, context.PowSecret(m - 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.PowSecret(x, -1));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void PowMatchesModPow(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        using var b = context.NewResidue();
        using var result = context.NewResidue();
        var x = TestNumbers.Below(random, m);
        context.Load(x, b);
        var exponents = new[] { 0, 1, 2, 3, 65537, TestNumbers.Below(random, BigInteger.One << 64), TestNumbers.Below(random, BigInteger.One << Math.Min(bits, 1024)) };
        foreach (var e in exponents)
        {
            context.Pow(b, e, result);
            Assert.Equal(BigInteger.ModPow(x, e, m), context.Store(result));
        }

        context.Pow(b, 12345, b);
        Assert.Equal(BigInteger.ModPow(x, 12345, m), context.Store(b));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void InverseMatchesBigInteger(int bits)
    {
        var random = TestNumbers.Seeded(bits);
        var m = TestNumbers.OddModulus(random, bits);
        using var context = new ManagedMontgomeryContext(m);
        using var a = context.NewResidue();
        using var inverse = context.NewResidue();
        using var product = context.NewResidue();
        var values = new[] { 1, 2, m - 1 }.Concat(Enumerable.Range(0, 4).Select(_ => TestNumbers.Below(random, m)))
            .Where(x => BigInteger.GreatestCommonDivisor(x, m).IsOne);
        foreach (var x in values)
        {
            context.Load(x, a);
            context.Inverse(a, inverse);
            context.Multiply(a, inverse, product);
            Assert.Equal(BigInteger.One, context.Store(product));
        }
    }

    [Fact]
    public void InverseThrowsWhenNotInvertible()
    {
        BigInteger p = 1_000_003, q = 998_244_353;
        using var context = new ManagedMontgomeryContext(p * q);
        using var a = context.NewResidue();
        using var destination = context.NewResidue();
        context.Load(p * 5, a);
        Assert.Throws<ArithmeticException>(() => context.Inverse(a, destination));
        context.Load(0, a);
        Assert.Throws<ArithmeticException>(() => context.Inverse(a, destination));
    }

    [Fact]
    public void RejectsForeignResidues()
    {
        using var context = new ManagedMontgomeryContext((BigInteger.One << 127) - 1);
        using var wider = new ManagedMontgomeryContext((BigInteger.One << 255) - 19);
        using var mine = context.NewResidue();
        using var theirs = wider.NewResidue();
        using var alien = new AlienResidue();

        Assert.Throws<ArgumentException>(() => context.Multiply(mine, theirs, mine));
        Assert.Throws<ArgumentException>(() => context.Multiply(mine, mine, theirs));
        Assert.Throws<ArgumentException>(() => context.Square(alien, mine));
        Assert.Throws<ArgumentException>(() => context.Load(1, alien));
        Assert.Throws<ArgumentException>(() => context.Load([1], theirs));
        Assert.Throws<ArgumentException>(() => context.Store(theirs));
        Assert.Throws<ArgumentException>(() => context.Copy(alien, mine));
        Assert.Throws<ArgumentException>(() => context.SetOne(theirs));
        Assert.Throws<ArgumentException>(() => context.AreEqual(mine, alien));
        Assert.Throws<ArgumentException>(() => context.Inverse(theirs, mine));
        Assert.Throws<ArgumentNullException>(() => context.Multiply(mine, null!, mine));
    }

    [Fact]
    public void ContextIsSafeToShareAcrossThreads()
    {
        var random = TestNumbers.Seeded(1024);
        var m = TestNumbers.OddModulus(random, 1024);
        using var context = new ManagedMontgomeryContext(m);
        var inputs = Enumerable.Range(0, 16).Select(_ => (TestNumbers.Below(random, m), TestNumbers.Below(random, m))).ToArray();
        var failures = 0;
        Parallel.For(0, inputs.Length, i =>
        {
            var (x, y) = inputs[i];
            using var a = context.NewResidue();
            using var b = context.NewResidue();
            context.Load(x, a);
            context.Load(y, b);
            for (var k = 0; k < 20; k++)
            {
                context.Multiply(a, b, a);
                context.Square(b, b);
            }

            var expectedB = BigInteger.ModPow(y, BigInteger.One << 20, m);
            var expectedA = x * BigInteger.ModPow(y, (BigInteger.One << 20) - 1, m) % m;
            if (context.Store(a) != expectedA || context.Store(b) != expectedB || context.PowSecret(x, y >> 512) != BigInteger.ModPow(x, y >> 512, m))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    private static void AssertProductsMatch(ManagedMontgomeryContext context, IReadOnlyList<BigInteger> values)
    {
        var m = context.Modulus;
        using var a = context.NewResidue();
        using var b = context.NewResidue();
        using var result = context.NewResidue();
        foreach (var x in values)
        {
            context.Load(x, a);
            context.Square(a, result);
            Assert.Equal(x * x % m, context.Store(result));
            foreach (var y in values)
            {
                context.Load(y, b);
                context.Multiply(a, b, result);
                Assert.Equal(x * y % m, context.Store(result));
            }
        }
    }

    private sealed class AlienResidue : Residue
    {
    }
}
