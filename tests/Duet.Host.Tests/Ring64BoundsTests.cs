using Duet.Host.Outputs;
using Xunit;

namespace Duet.Host.Tests;

/// <summary>The advice of the notes whose declared bounds let |P| reach past ring64's exact 2^63.</summary>
public sealed class Ring64BoundsTests
{
    [Theory]
    // duet.conf's 32 bits on both sides and K = 4: 66 bits, 3 too many.
    [InlineData(66, 32, "lower --input-bits by 3 (to 29 here), or by 2 on both sides, or use --share integer (exact everywhere)")]
    [InlineData(64, 20, "lower --input-bits by 1 (to 19 here), or by 1 on both sides, or use --share integer (exact everywhere)")]
    // A bound too small to shed them all alone: only both sides can.
    [InlineData(80, 4, "lower --input-bits by 9 on both sides, or use --share integer (exact everywhere)")]
    public void A_party_is_told_how_many_input_bits_fit(int productBits, int inputBits, string expected) =>
        Assert.Equal(expected, Ring64Bounds.ForParty(productBits, inputBits));

    [Theory]
    [InlineData(71, 32, "--input-bits 28 or --share integer keeps them exact")]
    // 30 bits each leave 3 bits for ⌈log2 K⌉: K up to 8 fits too.
    [InlineData(67, 30, "--input-bits 28 (or --inner 8) or --share integer keeps them exact")]
    public void The_demo_is_told_which_bound_fits(int productBits, int inputBits, string expected) =>
        Assert.Equal(expected, Ring64Bounds.ForDemo(productBits, inputBits));

    [Fact]
    public void Bounds_that_fit_shed_nothing() => Assert.Equal(0, Ring64Bounds.Excess(63));
}
