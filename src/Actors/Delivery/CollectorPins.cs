using Duet.Actors.Transport;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Delivery;

/// <summary>The collector's pin of each side: the fingerprint of party A's certificate (the left side's) and of party
/// B's (the right side's). A share offer for a side is accepted only when that side's certificate signed it.</summary>
public sealed record CollectorPins
{
    public CollectorPins(string left, string right)
    {
        Left = CertificateFingerprint.Parse(left, "the left side's pin");
        Right = CertificateFingerprint.Parse(right, "the right side's pin");
        if (Left == Right)
        {
            throw new ArgumentException($"the left and right sides pin the same certificate {Left}: each party has its own, or either could deliver the other's share");
        }
    }

    public string Left { get; }

    public string Right { get; }

    public string For(OperandSide side) => side == OperandSide.Left ? Left : Right;
}
