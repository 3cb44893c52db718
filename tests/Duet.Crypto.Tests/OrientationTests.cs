using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Crypto.Tests;

/// <summary>The canonical orientation, the ring64 exactness rule, and residues after disposal.</summary>
public sealed class OrientationTests
{
    [Fact]
    public void TheEncryptorHoldingTheRightOperandKeepsPAsItIs()
    {
        var orientation = new Orientation(OperandSide.Right);
        Assert.False(orientation.Transposed);
        Assert.Equal(OperandSide.Left, orientation.Evaluator);
        Assert.Equal((5, 3, 2), orientation.Shape(leftRows: 5, inner: 3, rightColumns: 2));
        var left = new Matrix<long>(2, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Same(left, orientation.ToCanonical(left));
    }

    [Fact]
    public void TheEncryptorHoldingTheLeftOperandTransposesEverything()
    {
        var orientation = new Orientation(OperandSide.Left);
        Assert.True(orientation.Transposed);
        Assert.Equal(OperandSide.Right, orientation.Evaluator);
        Assert.Equal((2, 3, 5), orientation.Shape(leftRows: 5, inner: 3, rightColumns: 2));
        var plan = PackingPlan.Create(2, 3, 5, 16, 16, 2048);
        Assert.Equal((5, 2), orientation.ProductShape(plan));
        Assert.Equal(new long[] { 1, 4, 2, 5, 3, 6 }, orientation.ToCanonical(new Matrix<long>(2, 3, [1, 2, 3, 4, 5, 6])).Data);

        var canonical = new Matrix<BigInteger>(2, 3, [1, 2, 3, 4, 5, -1]);
        var share = orientation.FromCanonical(canonical, ShareDomain.Ring64);
        Assert.Equal((3, 2), (share.Rows, share.Columns));
        Assert.Equal(new BigInteger[] { 1, 4, 2, 5, 3, ulong.MaxValue }, share.Data);
    }

    [Fact]
    public void ChoosingBySizeLetsTheSmallerMatrixEncryptAndTheRightOneOnATie()
    {
        Assert.Equal(OperandSide.Right, Orientation.BySize(100, 10, 10, 1).Encryptor);
        Assert.Equal(OperandSide.Left, Orientation.BySize(1, 10, 10, 100).Encryptor);
        Assert.Equal(OperandSide.Right, Orientation.BySize(3, 3, 3, 3).Encryptor);
    }

    [Theory]
    [InlineData(ShareDomain.Ring64, 63, true)]
    [InlineData(ShareDomain.Ring64, 64, false)]
    [InlineData(ShareDomain.Integer, 200, true)]
    public void Ring64IsExactBelowTwoToThe63(ShareDomain domain, int productBits, bool exact)
    {
        Assert.Equal(exact, Shares.IsExact(domain, productBits));
        var largest = (BigInteger.One << productBits) - 1;
        Assert.Equal(exact, Shares.IsExact(domain, largest));
        Assert.Equal(exact, Shares.IsExact(domain, -largest));
        Assert.Equal(exact, domain == ShareDomain.Integer || Shares.Reconstruct(largest, BigInteger.Zero, domain) == largest);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("native")]
    public void ADisposedResidueThrowsInsteadOfTouchingFreedMemory(string backend)
    {
        using var context = Backends.Create((BigInteger.One << 127) - 1, backend);
        var residue = context.NewResidue();
        using var other = context.NewResidue();
        context.Load(5, residue);
        residue.Dispose();
        Assert.True(residue.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => context.Multiply(residue, other, other));
        Assert.Throws<ObjectDisposedException>(() => context.Multiply(other, other, residue));
        Assert.Throws<ObjectDisposedException>(() => context.Store(residue));
    }
}
