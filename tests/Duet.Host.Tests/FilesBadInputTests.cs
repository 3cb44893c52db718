using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FilesBadInputTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Missing_file()
    {
        var path = directory.File("absent.csv");

        var e = Fails(path, "not found");

        Assert.Null(e.Row);
    }

    [Theory]
    [InlineData("m.txt", "unknown extension '.txt'")]
    [InlineData("matrix", "no extension")]
    public void Unknown_extension(string name, string expected) =>
        Fails(directory.WriteText(name, "1,2\n"), expected);

    [Fact]
    public void Directory_instead_of_file() =>
        Fails(Directory.CreateDirectory(directory.File("d.csv")).FullName, "directory");

    [Theory]
    [InlineData("e.csv", "")]
    [InlineData("blank.csv", "\n \n\r\n")]
    [InlineData("e.npy", "")]
    public void Empty_file(string name, string text) => Fails(directory.WriteText(name, text), "empty");

    [Fact]
    public void Header_but_no_data()
    {
        var path = directory.WriteText("h.csv", "a,b\n");

        var e = Assert.Throws<InputFileException>(() => MatrixFiles.Read(path, header: true));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("no data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ragged_row_names_row_and_both_counts()
    {
        var e = Fails(directory.WriteText("r.csv", "1,2,3\n4,5,6\n7,8\n"), "row 3 has 2 columns, expected 3");

        Assert.Equal(3, e.Row);
    }

    [Fact]
    public void Ragged_row_counts_data_rows_after_a_header()
    {
        var path = directory.WriteText("r.csv", "a,b\n1,2\n3\n");

        var e = Assert.Throws<InputFileException>(() => MatrixFiles.Read(path, header: true));

        Assert.Equal(2, e.Row);
    }

    [Fact]
    public void Non_numeric_cell_names_row_column_and_text()
    {
        var e = Fails(directory.WriteText("n.csv", "1,2\n3, abc \n"), "row 2, column 2: 'abc' is not a number");

        Assert.Equal((2, 2), (e.Row, e.Column));
    }

    [Fact]
    public void Empty_cell_names_row_and_column() =>
        Fails(directory.WriteText("n.csv", "1,,3\n"), "row 1, column 2: empty cell");

    [Fact]
    public void Blank_line_inside_the_data() =>
        Fails(directory.WriteText("b.csv", "1,2\n\n3,4\n"), "row 2 is blank");

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    public void Nan_or_infinity_in_csv(string cell)
    {
        var e = Fails(directory.WriteText("f.csv", $"1.5,2\n3,{cell}\n"), "NaN or infinity");

        Assert.Equal((2, 2), (e.Row, e.Column));
    }

    [Fact]
    public void Nan_in_npy_names_row_and_column()
    {
        var bytes = FormatsNpyTests.NumpyFile("<f8", "(2, 2)", [.. new[] { 1.0, 2.0, 3.0, double.NaN }.SelectMany(BitConverter.GetBytes)]);

        var e = Fails(directory.WriteBytes("f.npy", bytes), "NaN or infinity");

        Assert.Equal((2, 2), (e.Row, e.Column));
    }

    [Fact]
    public void Npy_bad_magic() =>
        Fails(directory.WriteText("x.npy", "1,2\n3,4\n"), "bad magic");

    [Fact]
    public void Npy_unsupported_version() =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFile("<i8", "(1, 1)", new byte[8], major: 4)), "version 4.0");

    [Theory]
    [InlineData("<i2", "not supported")]
    [InlineData("<c16", "not supported")]
    [InlineData(">i8", "big-endian")]
    [InlineData("|b1", "not supported")]
    public void Npy_unsupported_dtype(string descr, string expected) =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFile(descr, "(1, 1)", new byte[16])), expected);

    [Fact]
    public void Npy_structured_dtype()
    {
        var header = "{'descr': [('a', '<i8')], 'fortran_order': False, 'shape': (1,), }";

        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFileWithHeader(header, new byte[8])), "dtype");
    }

    [Fact]
    public void Npy_fortran_order()
    {
        var header = "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 2), }";

        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFileWithHeader(header, new byte[32])), "Fortran order");
    }

    [Fact]
    public void Npy_truncated_data() =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFile("<i8", "(2, 3)", new byte[47])), "truncated: 47 bytes, expected 48");

    [Fact]
    public void Npy_data_longer_than_shape() =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFile("<i8", "(2, 3)", new byte[56])), "56 bytes, expected 48");

    [Fact]
    public void Npy_truncated_header()
    {
        var bytes = FormatsNpyTests.NumpyFile("<i8", "(1, 1)", new byte[8]);

        Fails(directory.WriteBytes("x.npy", bytes[..40]), "header is truncated");
    }

    [Theory]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3)")]
    [InlineData("{'descr': '<i8', 'fortran_order': False}")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}")]
    [InlineData("{'descr': '<i8', 'fortran_order': 0, 'shape': (2, 3)}")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2, -3)}")]
    [InlineData("['descr', '<i8']")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (6)}")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3)} junk")]
    public void Npy_malformed_header_dict(string header) =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFileWithHeader(header, new byte[48])), "header");

    [Fact]
    public void Npy_header_nested_too_deeply()
    {
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': " + new string('(', 10_000) + "}";

        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFileWithHeader(header, [])), "nested too deeply");
    }

    [Fact]
    public void Npy_header_too_long()
    {
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }" + new string(' ', 200_000);

        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFileWithHeader(header, new byte[8], major: 2)), "too long");
    }

    [Theory]
    [InlineData("()", "shape ()")]
    [InlineData("(1, 2, 3)", "shape (1, 2, 3)")]
    [InlineData("(0, 3)", "empty")]
    [InlineData("(0,)", "empty")]
    public void Npy_shape_that_is_not_a_matrix(string shape, string expected) =>
        Fails(directory.WriteBytes("x.npy", FormatsNpyTests.NumpyFile("<i8", shape, [])), expected);

    private static InputFileException Fails(string path, string expected)
    {
        var e = Assert.Throws<InputFileException>(() => MatrixFiles.Read(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(path, e.FilePath);
        return e;
    }
}
