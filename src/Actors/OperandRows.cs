using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors;

/// <summary>
/// A party's own operand as the runtime reads it: by blocks of rows, encoded (integers within the declared bound,
/// reals already in fixed point), in the orientation of the party's file. The runtime reads no files: the host's
/// implementation reads them; <see cref="MatrixRows"/> serves a matrix held in memory.
/// </summary>
public interface IOperandRows
{
    int Rows { get; }

    int Columns { get; }

    /// <summary>Copies rows [firstRow, firstRow + rowCount) into <paramref name="destination"/>, row-major
    /// (rowCount × <see cref="Columns"/> entries). Called from the session's actor, one block at a time.</summary>
    void Read(int firstRow, int rowCount, Span<long> destination);
}

/// <summary>An operand held whole in memory.</summary>
public sealed class MatrixRows(Matrix<long> matrix) : IOperandRows
{
    public Matrix<long> Matrix { get; } = matrix ?? throw new ArgumentNullException(nameof(matrix));

    public int Rows => Matrix.Rows;

    public int Columns => Matrix.Columns;

    public void Read(int firstRow, int rowCount, Span<long> destination)
    {
        OperandRows.CheckRange(this, firstRow, rowCount, destination.Length);
        Matrix.Data.AsSpan(firstRow * Columns, rowCount * Columns).CopyTo(destination);
    }
}

/// <summary>A source whose every read is checked against the declared bound |x| &lt; 2^bits (rows named from the operand's start).</summary>
internal sealed class BoundedRows(IOperandRows source, int bits, string name) : IOperandRows
{
    public int Rows => source.Rows;

    public int Columns => source.Columns;

    public void Read(int firstRow, int rowCount, Span<long> destination)
    {
        OperandRows.CheckRange(this, firstRow, rowCount, destination.Length);
        source.Read(firstRow, rowCount, destination);
        FixedPoint.CheckBounds(destination, Columns, bits, name, firstRow);
    }
}

/// <summary>Reading an operand whole or by the rows a tile covers.</summary>
public static class OperandRows
{
    /// <summary>The whole operand (no copy when it is held in memory already).</summary>
    public static Matrix<long> ReadAll(this IOperandRows source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source is MatrixRows held ? held.Matrix : source.ReadRows(0, source.Rows);
    }

    /// <summary>Rows [firstRow, firstRow + rowCount) as a matrix of their own.</summary>
    public static Matrix<long> ReadRows(this IOperandRows source, int firstRow, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(source);
        var rows = new Matrix<long>(rowCount, source.Columns);
        source.Read(firstRow, rowCount, rows.Data);
        return rows;
    }

    /// <summary>This party's operand in the canonical orientation: the source itself, or its transpose held whole.</summary>
    public static IOperandRows ToCanonical(this IOperandRows source, Orientation orientation)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(orientation);
        return orientation.Transposed ? new MatrixRows(orientation.ToCanonical(source.ReadAll())) : source;
    }

    /// <summary>Throws unless [firstRow, firstRow + rowCount) lies within the source and fills <paramref name="destination"/> exactly.</summary>
    public static void CheckRange(IOperandRows source, int firstRow, int rowCount, int destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (firstRow < 0 || rowCount < 1 || (long)firstRow + rowCount > source.Rows || destination != (long)rowCount * source.Columns)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rowCount), $"rows [{firstRow}, {(long)firstRow + rowCount}) into {destination} entries do not fit a {source.Rows}x{source.Columns} operand");
        }
    }
}
