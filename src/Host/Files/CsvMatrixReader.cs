using System.Globalization;
using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// Reads a comma-separated matrix: cells trimmed, an optional header line skipped, blank trailing lines
/// ignored. Integers if every cell is an integer (int64 when all fit, big integers otherwise), else reals: of the
/// whole file (<see cref="Read"/>), or of each block of rows when it is read in blocks (<see cref="Next"/>).
/// </summary>
internal sealed class CsvMatrixReader : IDisposable
{
    private const int MaxCellTextInMessage = 40;

    private readonly string path;
    private readonly bool header;
    private readonly StreamReader reader;
    private int columns;
    private int rows;
    private int? blankRow;

    /// <summary>Opens the file and skips its header line when it has one.</summary>
    public CsvMatrixReader(string path, bool header)
    {
        (this.path, this.header) = (path, header);
        reader = new StreamReader(MatrixFileAccess.OpenRead(path), detectEncodingFromByteOrderMarks: true);
        if (header && reader.ReadLine() is null)
        {
            reader.Dispose();
            throw new InputFileException(path, "file is empty");
        }
    }

    public static MatrixFile Read(string path, bool header)
    {
        using var reader = new CsvMatrixReader(path, header);
        return reader.Next(int.MaxValue)!;
    }

    /// <summary>The next block of at most <paramref name="maxRows"/> rows, or null after the last; a file without
    /// rows is an error at the first block.</summary>
    public MatrixFile? Next(int maxRows)
    {
        var first = rows;
        var cells = new Cells(path, first);
        while (rows - first < maxRows && reader.ReadLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                blankRow ??= rows + 1;
                continue;
            }

            rows++;
            if (blankRow is int blank)
            {
                throw new InputFileException(path, "is blank, but data follows it", blank);
            }

            var count = text.Count(',') + 1;
            if (rows == 1)
            {
                columns = count;
            }
            else if (count != columns)
            {
                throw new InputFileException(path, $"has {count} columns, expected {columns}", rows);
            }

            var column = 0;
            foreach (var range in text.Split(','))
            {
                column++;
                cells.Add(text[range].Trim(), rows, column, columns);
            }
        }

        if (rows == 0)
        {
            throw new InputFileException(path, header ? "file has a header line but no data" : "file is empty");
        }

        return rows == first ? null : cells.ToMatrixFile(rows - first, columns, first);
    }

    public void Dispose() => reader.Dispose();

    private static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxCellTextInMessage ? $"'{text}'" : $"'{text[..MaxCellTextInMessage]}...'";

    /// <summary>Collects cells in the narrowest type that holds them all: int64, then big integers, then reals; the
    /// cells of the file's rows from <paramref name="firstRow"/> on.</summary>
    private sealed class Cells(string path, int firstRow)
    {
        private List<long>? int64 = [];
        private List<BigInteger>? bigIntegers;
        private List<double>? reals;

        public void Add(ReadOnlySpan<char> cell, int row, int column, int columns)
        {
            if (cell.IsEmpty)
            {
                throw new InputFileException(path, "empty cell", row, column);
            }

            if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                AddInteger(integer);
            }
            else if (BigInteger.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
            {
                AddInteger(big, row, column);
            }
            else if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !IsNonFiniteName(cell))
            {
                throw new InputFileException(path, $"{Quote(cell)} is not a number", row, column);
            }
            else if (!double.IsFinite(real) || IsNonFiniteName(cell))
            {
                throw new InputFileException(path, $"{Quote(cell)} is not a finite number (NaN or infinity)", row, column);
            }
            else
            {
                AddReal(real, columns);
            }
        }

        public MatrixFile ToMatrixFile(int rows, int columns, int first) =>
            int64 is not null ? new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<long>(rows, columns, [.. int64])) { FirstRow = first }
            : bigIntegers is not null ? new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<BigInteger>(rows, columns, [.. bigIntegers])) { FirstRow = first }
            : new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<double>(rows, columns, [.. reals!])) { FirstRow = first };

        private static bool IsNonFiniteName(ReadOnlySpan<char> cell)
        {
            var name = cell.TrimStart("+-");
            return name.Equals("nan", StringComparison.OrdinalIgnoreCase)
                || name.Equals("inf", StringComparison.OrdinalIgnoreCase)
                || name.Equals("infinity", StringComparison.OrdinalIgnoreCase);
        }

        private void AddInteger(long value)
        {
            if (int64 is not null)
            {
                int64.Add(value);
            }
            else if (bigIntegers is not null)
            {
                bigIntegers.Add(value);
            }
            else
            {
                reals!.Add(value);
            }
        }

        private void AddInteger(BigInteger value, int row, int column)
        {
            if (int64 is not null)
            {
                bigIntegers = int64.ConvertAll(x => (BigInteger)x);
                int64 = null;
            }

            if (bigIntegers is not null)
            {
                bigIntegers.Add(value);
                return;
            }

            var real = (double)value;
            if (!double.IsFinite(real))
            {
                throw new InputFileException(path, "integer too large for a matrix of reals", row, column);
            }

            reals!.Add(real);
        }

        private void AddReal(double value, int columns)
        {
            if (reals is null)
            {
                reals = int64?.ConvertAll(x => (double)x) ?? ToReals(bigIntegers!, columns);
                int64 = null;
                bigIntegers = null;
            }

            reals.Add(value);
        }

        private List<double> ToReals(List<BigInteger> integers, int columns)
        {
            var result = integers.ConvertAll(x => (double)x);
            var overflow = result.FindIndex(x => !double.IsFinite(x));
            if (overflow >= 0)
            {
                var (row, column) = MatrixFileException.PositionOf(overflow, columns);
                throw new InputFileException(path, "integer too large for a matrix of reals", firstRow + row, column);
            }

            return result;
        }
    }
}
