using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

public sealed class NttTests
{
    public static TheoryData<int, int> Cases => new()
    {
        { 16, 30 },
        { 256, 50 },
        { 4096, 60 },
    };

    public static TheoryData<int, int> Sizes => new()
    {
        { 16, 30 },
        { 8192, 36 },
        { 16384, 60 },
    };

    /// <summary>Both paths where the CPU has vectors (AVX-512), the scalar one everywhere.</summary>
    public static TheoryData<int, int, bool> CasesOnBothPaths => Both(Cases);

    public static TheoryData<int, int, bool> SizesOnBothPaths => Both(Sizes);

    [Theory]
    [MemberData(nameof(CasesOnBothPaths))]
    public void ProductMatchesSchoolbookNegacyclic(int degree, int bits, bool vectors)
    {
        var p = new Modulus(Primes.NttFriendly(degree, [bits])[0]);
        var ntt = new Ntt(degree, p, vectors);
        var random = new Random(degree + bits);
        var a = RandomPoly(random, degree, p.Value);
        var b = RandomPoly(random, degree, p.Value);
        // Extreme values too: the largest residue everywhere in one operand's first half.
        a.AsSpan(0, degree / 2).Fill(p.Value - 1);
        var expected = Schoolbook(a, b, p);

        var fa = (ulong[])a.Clone();
        var fb = (ulong[])b.Clone();
        ntt.Forward(fa);
        ntt.Forward(fb);
        var product = new ulong[degree];
        for (var i = 0; i < degree; i++)
        {
            product[i] = p.Mul(fa[i], fb[i]);
        }

        ntt.Inverse(product);
        Assert.Equal(expected, product);
    }

    [Theory]
    [MemberData(nameof(SizesOnBothPaths))]
    public void InverseUndoesForward(int degree, int bits, bool vectors)
    {
        var p = new Modulus(Primes.NttFriendly(degree, [bits])[0]);
        var ntt = new Ntt(degree, p, vectors);
        var a = RandomPoly(new Random(bits), degree, p.Value);
        var copy = (ulong[])a.Clone();
        ntt.Forward(copy);
        Assert.NotEqual(a, copy);
        Assert.All(copy, v => Assert.True(v < p.Value));
        ntt.Inverse(copy);
        Assert.Equal(a, copy);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void VectorAndScalarPathsGiveTheSameValues(int degree, int bits)
    {
        var p = new Modulus(Primes.NttFriendly(degree, [bits])[0]);
        var (vector, scalar) = (new Ntt(degree, p, vectors: true), new Ntt(degree, p, vectors: false));
        var a = RandomPoly(new Random(degree), degree, p.Value);
        a.AsSpan(0, degree / 4).Fill(p.Value - 1);
        var (x, y) = ((ulong[])a.Clone(), (ulong[])a.Clone());
        vector.Forward(x);
        scalar.Forward(y);
        Assert.Equal(y, x);
        vector.Inverse(x);
        scalar.Inverse(y);
        Assert.Equal(y, x);
        Assert.Equal(a, x);
    }

    [Fact]
    public void PrimesAreNttFriendlyDistinctAndOfTheRequestedSize()
    {
        var primes = Primes.NttFriendly(16384, [60, 60, 40, 40]);
        Assert.Equal(4, primes.Distinct().Count());
        int[] sizes = [60, 60, 40, 40];
        for (var i = 0; i < primes.Length; i++)
        {
            Assert.True(Primes.IsPrime(primes[i]));
            Assert.Equal(1UL, primes[i] % (2 * 16384));
            Assert.Equal(sizes[i], 64 - (int)ulong.LeadingZeroCount(primes[i]));
        }

        Assert.False(Primes.IsPrime(3215031751UL)); // a strong pseudoprime to bases 2, 3, 5, 7
        Assert.True(Primes.IsPrime(18446744073709551557UL));
    }

    private static ulong[] RandomPoly(Random random, int degree, ulong q)
    {
        var a = new ulong[degree];
        for (var i = 0; i < degree; i++)
        {
            a[i] = (ulong)random.NextInt64() % q;
        }

        return a;
    }

    private static ulong[] Schoolbook(ulong[] a, ulong[] b, Modulus p)
    {
        var n = a.Length;
        var result = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var term = p.Mul(a[i], b[j]);
                var k = i + j;
                result[k % n] = k < n ? p.Add(result[k], term) : p.Sub(result[k - n], term);
            }
        }

        return result;
    }

    private static TheoryData<int, int, bool> Both(TheoryData<int, int> cases)
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var row in cases)
        {
            data.Add((int)row[0], (int)row[1], false);
            data.Add((int)row[0], (int)row[1], true);
        }

        return data;
    }
}
