using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Tests;

/// <summary>The managed and native backends, given the same moduli and inputs, store identical results.</summary>
public sealed class BackendAgreementTests
{
    private const int Registers = 4;

    public static TheoryData<int> Widths => new(TestNumbers.Widths);

    [Theory]
    [MemberData(nameof(Widths))]
    public void RandomOperationsAgree(int bits)
    {
        var random = TestNumbers.Seeded(bits + 1);
        var m = TestNumbers.OddModulus(random, bits);
        using var managed = new ManagedMontgomeryContext(m);
        using var native = new NativeMontgomeryContext(m);
        var left = Enumerable.Range(0, Registers).Select(_ => managed.NewResidue()).ToArray();
        var right = Enumerable.Range(0, Registers).Select(_ => native.NewResidue()).ToArray();
        try
        {
            var edges = TestNumbers.EdgeValues(m).ToArray();
            for (var r = 0; r < Registers; r++)
            {
                var v = r < 2 ? edges[random.Next(edges.Length)] : TestNumbers.Below(random, m);
                managed.Load(v, left[r]);
                native.Load(v, right[r]);
            }

            var secretPowers = bits >= 2048 ? 1 : 3;
            for (var step = 0; step < 60; step++)
            {
                int x = random.Next(Registers), y = random.Next(Registers), d = random.Next(Registers);
                var operation = random.Next(8);
                if (operation == 7 && secretPowers-- <= 0)
                {
                    operation = 0;
                }

                var what = Apply(operation, random, m, (managed, left), (native, right), x, y, d);
                Assert.True(managed.Store(left[d]) == native.Store(right[d]), $"step {step}: {what} on {bits} bits");
                Assert.Equal(managed.AreEqual(left[x], left[y]), native.AreEqual(right[x], right[y]));
            }

            var leftBytes = new byte[managed.ByteLength];
            var rightBytes = new byte[native.ByteLength];
            for (var r = 0; r < Registers; r++)
            {
                managed.Store(left[r], leftBytes);
                native.Store(right[r], rightBytes);
                Assert.Equal(leftBytes, rightBytes);
            }
        }
        finally
        {
            foreach (var residue in left.Concat(right))
            {
                residue.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void BytesRoundTripIdentically(int bits)
    {
        var random = TestNumbers.Seeded(bits + 2);
        var m = TestNumbers.OddModulus(random, bits);
        using var managed = new ManagedMontgomeryContext(m);
        using var native = new NativeMontgomeryContext(m);
        using var a = managed.NewResidue();
        using var b = native.NewResidue();
        Assert.Equal(managed.ByteLength, native.ByteLength);
        var input = new byte[managed.ByteLength];
        var fromManaged = new byte[managed.ByteLength];
        var fromNative = new byte[native.ByteLength];
        foreach (var v in TestNumbers.EdgeValues(m).Concat(Enumerable.Range(0, 8).Select(_ => TestNumbers.Below(random, m))))
        {
            v.TryWriteBytes(input.AsSpan(input.Length - v.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            input.AsSpan(0, input.Length - v.GetByteCount(isUnsigned: true)).Clear();
            managed.Load(input, a);
            native.Load(input, b);
            managed.Store(a, fromManaged);
            native.Store(b, fromNative);
            Assert.Equal(input, fromManaged);
            Assert.Equal(input, fromNative);
        }
    }

    [Fact]
    public void BothRejectTheSameMisuse()
    {
        BigInteger p = 1_000_003, q = 998_244_353;
        var m = p * q;
        using var managed = new ManagedMontgomeryContext(m);
        using var native = new NativeMontgomeryContext(m);
        foreach (var context in new MontgomeryContext[] { managed, native })
        {
            using var r = context.NewResidue();
            using var s = context.NewResidue();
            Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m, r));
            Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(-1, r));
            Assert.Throws<ArgumentOutOfRangeException>(() => context.Load(m.ToByteArray(isUnsigned: true, isBigEndian: true), r));
            Assert.Throws<ArgumentException>(() => context.Store(r, new byte[context.ByteLength + 1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => context.PowSecret(2, -1));
            context.Load(p * 7, r);
            Assert.Throws<ArithmeticException>(() => context.Inverse(r, s));
        }

        using var fromNative = native.NewResidue();
        using var fromManaged = managed.NewResidue();
        Assert.Throws<ArgumentException>(() => managed.Square(fromNative, fromManaged));
        Assert.Throws<ArgumentException>(() => native.Square(fromManaged, fromNative));
    }

    private static string Apply(
        int operation,
        Random random,
        BigInteger m,
        (MontgomeryContext Context, Residue[] Registers) left,
        (MontgomeryContext Context, Residue[] Registers) right,
        int x,
        int y,
        int d)
    {
        switch (operation)
        {
            case 0:
                Both(c => c.Context.Multiply(c.Registers[x], c.Registers[y], c.Registers[d]));
                return $"r{d} = r{x}·r{y}";
            case 1:
                Both(c => c.Context.Square(c.Registers[x], c.Registers[d]));
                return $"r{d} = r{x}²";
            case 2:
                {
                    var e = TestNumbers.Below(random, BigInteger.One << random.Next(1, 300));
                    Both(c => c.Context.Pow(c.Registers[x], e, c.Registers[d]));
                    return $"r{d} = r{x}^{e}";
                }

            case 3:
                {
                    var value = left.Context.Store(left.Registers[x]);
                    if (!BigInteger.GreatestCommonDivisor(value, m).IsOne)
                    {
                        Both(c => c.Context.SetOne(c.Registers[d]));
                        return $"r{d} = 1";
                    }

                    Both(c => c.Context.Inverse(c.Registers[x], c.Registers[d]));
                    return $"r{d} = r{x}⁻¹";
                }

            case 4:
                {
                    var bytes = new byte[left.Context.ByteLength];
                    left.Context.Store(left.Registers[x], bytes);
                    Both(c => c.Context.Load(bytes, c.Registers[d]));
                    return $"r{d} = bytes(r{x})";
                }

            case 5:
                {
                    var v = TestNumbers.Below(random, m);
                    Both(c => c.Context.Load(v, c.Registers[d]));
                    return $"r{d} = {v}";
                }

            case 6:
                Both(c => c.Context.Copy(c.Registers[x], c.Registers[d]));
                return $"r{d} = r{x}";
            default:
                {
                    var @base = left.Context.Store(left.Registers[x]) + (m * random.Next(3));
                    var e = TestNumbers.Below(random, BigInteger.One << random.Next(1, (int)m.GetBitLength() + 128));
                    var fromLeft = left.Context.PowSecret(@base, e);
                    var fromRight = right.Context.PowSecret(@base, e);
                    Assert.Equal(fromRight, fromLeft);
                    Both(c => c.Context.Load(fromLeft, c.Registers[d]));
                    return $"r{d} = powsecret(r{x}, {e})";
                }
        }

        void Both(Action<(MontgomeryContext Context, Residue[] Registers)> action)
        {
            action(left);
            action(right);
        }
    }
}
