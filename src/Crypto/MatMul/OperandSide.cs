namespace Duet.Crypto.MatMul;

/// <summary>Which operand of P = L·R a party holds. The values are part of the wire format (Hello): never renumber.</summary>
public enum OperandSide
{
    Left = 0,
    Right = 1,
}
