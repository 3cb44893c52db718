using System.Globalization;
using System.Numerics;
using System.Text;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// Reading and writing matrix files, CSV or NumPy .npy by extension. Every problem with a file is a
/// <see cref="InputFileException"/> or <see cref="OutputFileException"/> whose message is one line
/// naming the file. A share file is a matrix file: ring64 shares as uint64, integer shares as big integers.
/// </summary>
public static class MatrixFiles
{
    /// <summary>Reads a matrix in the type its file stores.</summary>
    /// <param name="path">A <c>.csv</c> or <c>.npy</c> file.</param>
    /// <param name="header">CSV only: the first line is a header, skipped.</param>
    public static MatrixFile Read(string path, bool header = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InputFileException(path, "file not found");
        }

        var format = MatrixFileFormats.FromPath(path) ?? throw new InputFileException(path, MatrixFileFormats.UnknownExtension(path));
        try
        {
            return format == MatrixFileFormat.Csv ? CsvMatrixReader.Read(path, header) : NpyMatrixFile.Read(path);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, $"cannot read: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Reads a share file (or any integer matrix) exactly: int64, int32 or uint64 .npy (uint64 read as
    /// unsigned), or a CSV of integers of any size. Reals are an error.
    /// </summary>
    public static Matrix<BigInteger> ReadIntegers(string path, bool header = false) => Read(path, header).ToBigInteger();

    /// <summary>Writes int64 entries: .npy <c>&lt;i8</c> or CSV, completely or not at all.</summary>
    public static void Write(string path, Matrix<long> matrix) => Write(path, matrix, NpyDtype.Int64);

    /// <summary>Writes uint64 entries (ring64 shares): .npy <c>&lt;u8</c> or CSV.</summary>
    public static void Write(string path, Matrix<ulong> matrix) => Write(path, matrix, NpyDtype.UInt64);

    /// <summary>Writes reals: .npy <c>&lt;f8</c> or CSV, where every value round-trips and looks real (1.0, not 1).</summary>
    public static void Write(string path, Matrix<double> matrix) => Write(path, matrix, NpyDtype.Float64);

    /// <summary>
    /// Writes integers of any size (integer-domain shares): always as CSV; as .npy <c>&lt;i8</c> only when
    /// every value fits in int64, which is checked before anything is written.
    /// </summary>
    public static void Write(string path, Matrix<BigInteger> matrix)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(matrix);
        if (FormatForWriting(path) == MatrixFileFormat.Csv)
        {
            MatrixFileAccess.WriteAtomically(path, stream => CsvMatrixWriter.Write(stream, matrix));
            return;
        }

        var index = Array.FindIndex(matrix.Data, x => x < long.MinValue || x > long.MaxValue);
        if (index >= 0)
        {
            throw NotInt64(path, matrix.Data[index], index, matrix.Columns);
        }

        Write(path, matrix.Map(x => (long)x));
    }

    /// <summary>The error of an integer too large for a .npy int64, at its (row-major) index.</summary>
    internal static OutputFileException NotInt64(string path, BigInteger value, long index, int columns)
    {
        var (row, column) = MatrixFileException.PositionOf(index, columns);
        return new OutputFileException(path, $"value {value} does not fit in a .npy int64; write a .csv file or use the ring64 share domain", row, column);
    }

    /// <summary>A short description of a matrix file: file, format, shape, dtype, min and max, one per line.</summary>
    public static string Inspect(string path, bool header = false)
    {
        var file = Read(path, header);
        var (min, max) = file.Range();
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"file:   {file.Path}");
        text.AppendLine(invariant, $"format: {(file.Format == MatrixFileFormat.Csv ? "csv" : "npy")}");
        text.AppendLine(invariant, $"shape:  {file.Rows} x {file.Columns}");
        text.AppendLine(invariant, $"dtype:  {file.ElementType.Name()}");
        text.AppendLine(invariant, $"min:    {min}");
        text.Append(invariant, $"max:    {max}");
        return text.ToString();
    }

    private static void Write<T>(string path, Matrix<T> matrix, NpyDtype dtype)
        where T : unmanaged, ISpanFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(matrix);
        Action<Stream> write = FormatForWriting(path) == MatrixFileFormat.Csv
            ? stream => CsvMatrixWriter.Write(stream, matrix)
            : stream => NpyMatrixFile.Write(stream, matrix, dtype);
        MatrixFileAccess.WriteAtomically(path, write);
    }

    private static MatrixFileFormat FormatForWriting(string path) =>
        MatrixFileFormats.FromPath(path) ?? throw new OutputFileException(path, MatrixFileFormats.UnknownExtension(path));
}
