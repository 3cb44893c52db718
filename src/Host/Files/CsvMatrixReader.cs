using System.Globalization;
using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// Reads a comma-separated matrix: cells trimmed, an optional header line skipped, blank trailing lines
/// ignored. Integers if every cell is an integer (int64 when all fit, big integers otherwise), else reals.
/// </summary>
internal static class CsvMatrixReader
{
    private const int MaxCellTextInMessage = 40;

    public static MatrixFile Read(string path, bool header)
    {
        using var reader = new StreamReader(MatrixFileAccess.OpenRead(path), detectEncodingFromByteOrderMarks: true);
        if (header && reader.ReadLine() is null)
        {
            throw new InputFileException(path, "file is empty");
        }

        var cells = new Cells(path);
        var columns = 0;
        var rows = 0;
        int? blankRow = null;
        while (reader.ReadLine() is { } line)
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

        return cells.ToMatrixFile(rows, columns);
    }

    private static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxCellTextInMessage ? $"'{text}'" : $"'{text[..MaxCellTextInMessage]}...'";

    /// <summary>Collects cells in the narrowest type that holds them all: int64, then big integers, then reals.</summary>
    private sealed class Cells(string path)
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

        public MatrixFile ToMatrixFile(int rows, int columns) =>
            int64 is not null ? new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<long>(rows, columns, [.. int64]))
            : bigIntegers is not null ? new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<BigInteger>(rows, columns, [.. bigIntegers]))
            : new MatrixFile(path, MatrixFileFormat.Csv, new Matrix<double>(rows, columns, [.. reals!]));

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
                throw new InputFileException(path, "integer too large for a matrix of reals", row, column);
            }

            return result;
        }
    }
}
