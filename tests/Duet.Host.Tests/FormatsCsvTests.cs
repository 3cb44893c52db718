using System.Numerics;
using System.Text;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FormatsCsvTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Integers_with_spaces_crlf_and_blank_trailing_lines()
    {
        var path = directory.WriteText("m.csv", " 1 , -2,+3\r\n4,5 ,6\r\n\r\n  \n");

        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixFileFormat.Csv, file.Format);
        Assert.Equal(MatrixElementType.Int64, file.ElementType);
        Assert.Equal((2, 3), (file.Rows, file.Columns));
        Assert.Equal([1L, -2, 3, 4, 5, 6], file.ToInt64().Data);
    }

    [Fact]
    public void Header_line_is_skipped_when_asked()
    {
        var path = directory.WriteText("m.csv", "a,b\n1,2\n");

        Assert.Equal([1L, 2], MatrixFiles.Read(path, header: true).ToInt64().Data);
        Assert.Throws<InputFileException>(() => MatrixFiles.Read(path));
    }

    [Fact]
    public void One_real_cell_makes_a_real_matrix()
    {
        var path = directory.WriteText("m.csv", "1,2\n3,4.5e-1\n");

        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.Float64, file.ElementType);
        Assert.Equal([1.0, 2.0, 3.0, 0.45], file.ToFloat64().Data);
    }

    [Fact]
    public void Integers_beyond_int64_make_a_big_integer_matrix()
    {
        var path = directory.WriteText("m.csv", "1,-99999999999999999999999999999\n");

        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.BigInteger, file.ElementType);
        Assert.Equal([BigInteger.One, BigInteger.Parse("-99999999999999999999999999999", System.Globalization.CultureInfo.InvariantCulture)], file.ToBigInteger().Data);
    }

    [Fact]
    public void Big_integers_followed_by_reals_make_reals()
    {
        var path = directory.WriteText("m.csv", "18446744073709551616,0.5\n");

        Assert.Equal([18446744073709551616.0, 0.5], MatrixFiles.Read(path).ToFloat64().Data);
    }

    [Fact]
    public void Byte_order_mark_is_ignored()
    {
        var path = directory.WriteBytes("m.csv", [.. Encoding.UTF8.GetPreamble(), .. "7,8\n"u8]);

        Assert.Equal([7L, 8], MatrixFiles.Read(path).ToInt64().Data);
    }

    [Fact]
    public void Extension_is_case_insensitive()
    {
        var path = directory.WriteText("M.CSV", "1\n");

        Assert.Equal([1L], MatrixFiles.Read(path).ToInt64().Data);
    }

    [Fact]
    public void Single_column_without_trailing_newline()
    {
        var path = directory.WriteText("m.csv", "1\n2\n3");

        var file = MatrixFiles.Read(path);

        Assert.Equal((3, 1), (file.Rows, file.Columns));
    }

    [Fact]
    public void Long_cell_text_is_shortened_in_the_message()
    {
        var path = directory.WriteText("m.csv", new string('x', 500) + "\n");

        var e = Assert.Throws<InputFileException>(() => MatrixFiles.Read(path));

        Assert.True(e.Message.Length < 200, e.Message);
    }
}
