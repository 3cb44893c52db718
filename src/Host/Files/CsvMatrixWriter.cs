using System.Text;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>Writes a matrix as comma-separated text, one row a line, in the spelling of <see cref="MatrixText"/>.</summary>
internal static class CsvMatrixWriter
{
    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void Write<T>(Stream stream, Matrix<T> matrix)
        where T : ISpanFormattable
    {
        using var writer = Open(stream);
        for (var row = 0; row < matrix.Rows; row++)
        {
            WriteRow(writer, matrix.Row(row));
        }
    }

    /// <summary>A writer for <see cref="WriteRow"/>, leaving the stream open.</summary>
    public static StreamWriter Open(Stream stream) => new(stream, Utf8WithoutBom, bufferSize: 1 << 16, leaveOpen: true);

    /// <summary>One row and its line end, so a file written row by row is the file <see cref="Write"/> writes.</summary>
    public static void WriteRow<T>(StreamWriter writer, ReadOnlySpan<T> values)
        where T : ISpanFormattable
    {
        Span<char> cell = stackalloc char[64];
        for (var column = 0; column < values.Length; column++)
        {
            if (column > 0)
            {
                writer.Write(',');
            }

            if (MatrixText.TryFormat(values[column], cell, out var written))
            {
                writer.Write(cell[..written]);
            }
            else
            {
                writer.Write(MatrixText.Format(values[column]));
            }
        }

        writer.Write('\n');
    }
}
