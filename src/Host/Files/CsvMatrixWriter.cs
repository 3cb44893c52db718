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
        using var writer = new StreamWriter(stream, Utf8WithoutBom, bufferSize: 1 << 16, leaveOpen: true);
        Span<char> cell = stackalloc char[64];
        for (var row = 0; row < matrix.Rows; row++)
        {
            var values = matrix.Row(row);
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
}
