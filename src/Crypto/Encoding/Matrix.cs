namespace Duet.Crypto.Encoding;

/// <summary>A dense row-major matrix. The array is owned by the matrix; callers treat it as read-only once built.</summary>
public sealed class Matrix<T>
{
    public Matrix(int rows, int columns, T[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} entries, got {data.Length}.", nameof(data));
        }

        Rows = rows;
        Columns = columns;
        Data = data;
    }

    public Matrix(int rows, int columns)
        : this(rows, columns, new T[checked(rows * columns)])
    {
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Entries in row-major order.</summary>
    public T[] Data { get; }

    public T this[int row, int column]
    {
        get => Data[(row * Columns) + column];
        set => Data[(row * Columns) + column] = value;
    }

    public ReadOnlySpan<T> Row(int row) => Data.AsSpan(row * Columns, Columns);

    public Matrix<T> Transpose()
    {
        var result = new Matrix<T>(Columns, Rows);
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                result.Data[(c * Rows) + r] = Data[(r * Columns) + c];
            }
        }

        return result;
    }

    public Matrix<TResult> Map<TResult>(Func<T, TResult> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new Matrix<TResult>(Rows, Columns, Array.ConvertAll(Data, x => map(x)));
    }

    public override string ToString() => $"{Rows}x{Columns} matrix of {typeof(T).Name}";
}
