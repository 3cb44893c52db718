using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.MatMul;

/// <summary>
/// The canonical orientation of one product (docs/protocol.md §2, §4): the evaluator holds X (m×k), the encryptor
/// Y (k×n), and Z = X·Y. When the encryptor holds the left operand, both operands and Z are transposed
/// (Pᵀ = Rᵀ·Lᵀ). Both parties and the reference protocol derive every shape and transposition from this type.
/// </summary>
public sealed record Orientation(OperandSide Encryptor)
{
    /// <summary>The party with the smaller matrix encrypts; on a tie, the right operand's owner.</summary>
    public static Orientation BySize(int leftRows, int leftColumns, int rightRows, int rightColumns) =>
        new((long)leftRows * leftColumns < (long)rightRows * rightColumns ? OperandSide.Left : OperandSide.Right);

    public OperandSide Evaluator => Encryptor == OperandSide.Left ? OperandSide.Right : OperandSide.Left;

    /// <summary>True when the canonical form is the transpose of P = L·R (the encryptor holds L).</summary>
    public bool Transposed => Encryptor == OperandSide.Left;

    /// <summary>The canonical (m, k, n) of a product of a leftRows×inner and an inner×rightColumns matrix.</summary>
    public (int M, int K, int N) Shape(int leftRows, int inner, int rightColumns) =>
        Transposed ? (rightColumns, inner, leftRows) : (leftRows, inner, rightColumns);

    /// <summary>The shape of P = L·R for a plan in this orientation.</summary>
    public (int Rows, int Columns) ProductShape(PackingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Transposed ? (plan.Columns, plan.Rows) : (plan.Rows, plan.Columns);
    }

    /// <summary>A party's own operand in the canonical form (X for the evaluator, Y for the encryptor).</summary>
    public Matrix<long> ToCanonical(Matrix<long> operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        return Transposed ? operand.Transpose() : operand;
    }

    /// <summary>A share of the canonical Z back in the shape of L·R, in the agreed domain.</summary>
    public Matrix<BigInteger> FromCanonical(Matrix<BigInteger> share, ShareDomain domain)
    {
        ArgumentNullException.ThrowIfNull(share);
        var reduced = Shares.Reduce(share, domain);
        return Transposed ? reduced.Transpose() : reduced;
    }
}
