using System.Globalization;
using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// A matrix read from a file, in the type its file stores. The To* methods convert exactly or throw an
/// <see cref="InputFileException"/> naming the first entry that does not convert.
/// </summary>
public sealed class MatrixFile
{
    // Every integer of magnitude up to 2^53 is a double exactly.
    private const long MaxExactDouble = 1L << 53;

    private readonly Matrix<long>? int64;
    private readonly Matrix<ulong>? uint64;
    private readonly Matrix<double>? float64;
    private readonly Matrix<BigInteger>? bigIntegers;

    internal MatrixFile(string path, MatrixFileFormat format, Matrix<long> matrix)
        : this(path, format, MatrixElementType.Int64, matrix.Rows, matrix.Columns) => int64 = matrix;

    internal MatrixFile(string path, MatrixFileFormat format, Matrix<ulong> matrix)
        : this(path, format, MatrixElementType.UInt64, matrix.Rows, matrix.Columns) => uint64 = matrix;

    internal MatrixFile(string path, MatrixFileFormat format, Matrix<double> matrix)
        : this(path, format, MatrixElementType.Float64, matrix.Rows, matrix.Columns) => float64 = matrix;

    internal MatrixFile(string path, MatrixFileFormat format, Matrix<BigInteger> matrix)
        : this(path, format, MatrixElementType.BigInteger, matrix.Rows, matrix.Columns) => bigIntegers = matrix;

    private MatrixFile(string path, MatrixFileFormat format, MatrixElementType elementType, int rows, int columns)
    {
        Path = path;
        Format = format;
        ElementType = elementType;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The path as the caller gave it.</summary>
    public string Path { get; }

    public MatrixFileFormat Format { get; }

    public MatrixElementType ElementType { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The file's row where this matrix starts when it holds a block of the file's rows (errors name file rows).</summary>
    internal int FirstRow { get; init; }

    /// <summary>True unless the file holds reals (float64).</summary>
    public bool IsInteger => ElementType != MatrixElementType.Float64;

    public Matrix<long> ToInt64() => int64
        ?? Convert(uint64, x => (x <= long.MaxValue, (long)x), "int64")
        ?? Convert(bigIntegers, x => (x >= long.MinValue && x <= long.MaxValue, (long)x), "int64")
        ?? throw RealsWhereIntegersExpected();

    public Matrix<ulong> ToUInt64() => uint64
        ?? Convert(int64, x => (x >= 0, (ulong)x), "uint64")
        ?? Convert(bigIntegers, x => (x.Sign >= 0 && x <= ulong.MaxValue, (ulong)x), "uint64")
        ?? throw RealsWhereIntegersExpected();

    public Matrix<BigInteger> ToBigInteger() => bigIntegers
        ?? int64?.Map(x => (BigInteger)x)
        ?? uint64?.Map(x => (BigInteger)x)
        ?? throw RealsWhereIntegersExpected();

    /// <summary>The entries as doubles; an integer that a double cannot hold exactly is an error.</summary>
    public Matrix<double> ToFloat64() => float64
        ?? Convert(int64, x => x is >= -MaxExactDouble and <= MaxExactDouble ? (true, (double)x) : ExactDouble(x), "float64")
        ?? Convert(uint64, x => x <= MaxExactDouble ? (true, (double)x) : ExactDouble(x), "float64")
        ?? Convert(bigIntegers, ExactDouble, "float64")!;

    /// <summary>The smallest and largest entry, formatted as they would be written (reals round-trip).</summary>
    internal (string Min, string Max) Range()
    {
        return int64 is not null ? Format(MinMax(int64))
            : uint64 is not null ? Format(MinMax(uint64))
            : float64 is not null ? Format(MinMax(float64))
            : Format(MinMax(bigIntegers!));

        static (string, string) Format<T>((T Min, T Max) range)
            where T : IFormattable =>
            (MatrixText.Format(range.Min), MatrixText.Format(range.Max));
    }

    private static (T Min, T Max) MinMax<T>(Matrix<T> matrix)
        where T : INumber<T>
    {
        var min = matrix.Data[0];
        var max = min;
        foreach (var x in matrix.Data)
        {
            min = T.Min(min, x);
            max = T.Max(max, x);
        }

        return (min, max);
    }

    private static (bool, double) ExactDouble(BigInteger x)
    {
        var d = (double)x;
        return (double.IsFinite(d) && new BigInteger(d) == x, d);
    }

    private Matrix<TOut>? Convert<TIn, TOut>(Matrix<TIn>? source, Func<TIn, (bool Exact, TOut Value)> convert, string target)
        where TIn : IFormattable
    {
        if (source is null)
        {
            return null;
        }

        var result = new TOut[source.Data.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var (exact, value) = convert(source.Data[i]);
            if (!exact)
            {
                var (row, column) = MatrixFileException.PositionOf(i, Columns);
                throw new InputFileException(Path, $"value {MatrixText.Format(source.Data[i])} does not fit in {target}", FirstRow + row, column);
            }

            result[i] = value;
        }

        return new Matrix<TOut>(Rows, Columns, result);
    }

    private InputFileException RealsWhereIntegersExpected() =>
        new(Path, "holds real numbers (float64), integers expected");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}: {Rows}x{Columns} {ElementType.Name()} ({Format})");
}
