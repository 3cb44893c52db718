using Duet.Crypto.MatMul;

namespace Duet.Actors.Protocol;

// The numeric values are part of the wire format (Hello, Abort): never renumber, only append.

/// <summary>Who receives the revealed product, named by operand side so both parties pass the same word.</summary>
public enum Reveal
{
    None = 0,
    Left = 1,
    Right = 2,
    Both = 3,
}

/// <summary>What a reveal choice means for one operand side.</summary>
public static class RevealExtensions
{
    /// <summary>True when the product is revealed to the party holding this operand side.</summary>
    public static bool ReachesSide(this Reveal reveal, OperandSide side) => reveal switch
    {
        Reveal.Both => true,
        Reveal.Left => side == OperandSide.Left,
        Reveal.Right => side == OperandSide.Right,
        _ => false,
    };
}
