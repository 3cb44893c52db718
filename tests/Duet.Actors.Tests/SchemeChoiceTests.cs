using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Crypto.Encoding;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tests;

/// <summary>Which scheme two hellos agree on: the one both name, the other's when one says auto, BFV when both say
/// auto and it carries the product (else Paillier), and a clear refusal naming Paillier for a product BFV cannot carry.</summary>
public sealed class SchemeChoiceTests
{
    private static readonly Guid Id = Guid.NewGuid();

    [Theory]
    [InlineData(Scheme.Bfv, Scheme.Bfv, Scheme.Bfv)]
    [InlineData(Scheme.Paillier, Scheme.Paillier, Scheme.Paillier)]
    [InlineData(Scheme.Auto, Scheme.Paillier, Scheme.Paillier)]
    [InlineData(Scheme.Bfv, Scheme.Auto, Scheme.Bfv)]
    [InlineData(Scheme.Auto, Scheme.Auto, Scheme.Bfv)]
    public void A_product_bfv_carries_is_agreed_on_the_named_scheme_or_bfv_under_auto(Scheme left, Scheme right, Scheme agreed)
    {
        var (mine, theirs) = (Hello(OperandSide.Left, left, bits: 16, ShareDomain.Ring64), Hello(OperandSide.Right, right, bits: 16, ShareDomain.Ring64));
        Assert.Equal(agreed, Agree(mine, theirs).Plan.Scheme);
        Assert.Equal(agreed, Agree(theirs, mine).Plan.Scheme);
    }

    [Fact]
    public void A_product_bfv_cannot_carry_falls_back_to_paillier_only_under_auto()
    {
        // 63-bit entries summed over 4000 inner indices with integer shares: the flooding noise BFV would need exceeds what its plans allow.
        var (autoLeft, autoRight) = (Hello(OperandSide.Left, Scheme.Auto, bits: 63, ShareDomain.Integer), Hello(OperandSide.Right, Scheme.Auto, bits: 63, ShareDomain.Integer));
        Assert.Equal(Scheme.Paillier, Agree(autoLeft, autoRight).Plan.Scheme);

        var refused = Assert.Throws<HandshakeException>(() => Agree(autoLeft with { Scheme = Scheme.Bfv }, autoRight));
        Assert.Equal(AbortReason.Incompatible, refused.Reason);
        Assert.Contains("--scheme paillier", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Scheme.Paillier, Agree(autoLeft with { Scheme = Scheme.Paillier }, autoRight).Plan.Scheme);
    }

    [Fact]
    public void The_plan_weighs_bytes_by_the_slower_of_the_two_link_hints()
    {
        // 10000x100·100x10 (the left's 60x4000 would not be a W1): a 20 Mbit/s hint on either side is the link.
        Hello W1(OperandSide side, int mbps) => Hello(OperandSide.Left, Scheme.Bfv, 32, ShareDomain.Ring64) with
        {
            Side = side, Rows = side == OperandSide.Left ? 10_000 : 100, Columns = side == OperandSide.Left ? 100 : 10, LinkMbps = mbps,
        };
        var fast = (CoefficientPlan)Agree(W1(OperandSide.Left, 1000), W1(OperandSide.Right, 1000)).Plan;
        var slow = (CoefficientPlan)Agree(W1(OperandSide.Left, 1000), W1(OperandSide.Right, 20)).Plan;
        Assert.Equal((1000, 20), (fast.LinkMbps, slow.LinkMbps));
        Assert.Equal(slow, (CoefficientPlan)Agree(W1(OperandSide.Right, 20), W1(OperandSide.Left, 1000)).Plan);
        Assert.Equal(slow, (CoefficientPlan)Agree(W1(OperandSide.Left, 20), W1(OperandSide.Right, 1000)).Plan);
        static long Bytes(CoefficientPlan p) => (p.EncryptedCount * p.SeededCiphertextBytes) + (p.ResultCount * p.ReplyBytes);
        Assert.True(Bytes(slow) < Bytes(fast), $"{slow} moves {Bytes(slow)} bytes, {fast} {Bytes(fast)}");
    }

    [Fact]
    public void Two_named_schemes_that_differ_are_refused()
    {
        var refused = Assert.Throws<HandshakeException>(() => Agree(Hello(OperandSide.Left, Scheme.Bfv, 16, ShareDomain.Ring64), Hello(OperandSide.Right, Scheme.Paillier, 16, ShareDomain.Ring64)));
        Assert.Contains("different scheme", refused.Message, StringComparison.Ordinal);
    }

    private static Agreement Agree(Hello mine, Hello theirs) => Handshake.Agree(mine, theirs, PartySettings.Defaults.ProtocolVersion, TwoParties.TestLimits, 0);

    private static Hello Hello(OperandSide side, Scheme scheme, int bits, ShareDomain domain) =>
        new(Id, PartySettings.Defaults.ProtocolVersion, side, side == OperandSide.Left ? 60 : 4000, side == OperandSide.Left ? 4000 : 3, bits, 0, domain, Reveal.None, 2048, 40, RolePreference.Auto, side.ToString(), scheme);
}
