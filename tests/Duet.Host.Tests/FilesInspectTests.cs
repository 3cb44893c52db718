using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FilesInspectTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Describes_an_npy_file()
    {
        var path = directory.File("x.npy");
        MatrixFiles.Write(path, new Matrix<long>(2, 3, [5, -7, 0, long.MaxValue, 3, 2]));

        var text = MatrixFiles.Inspect(path);

        Assert.Equal(
            $"file:   {path}\nformat: npy\nshape:  2 x 3\ndtype:  int64\nmin:    -7\nmax:    9223372036854775807",
            text.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("u.npy", "uint64", "0", "18446744073709551615")]
    [InlineData("r.npy", "float64", "-1E+300", "0.1")]
    [InlineData("b.csv", "big integer", "-1267650600228229401496703205376", "3")]
    public void Names_the_dtype_and_range(string name, string dtype, string min, string max)
    {
        var path = directory.File(name);
        switch (dtype)
        {
            case "uint64": MatrixFiles.Write(path, new Matrix<ulong>(1, 2, [ulong.MaxValue, 0])); break;
            case "float64": MatrixFiles.Write(path, new Matrix<double>(1, 2, [0.1, -1e300])); break;
            default: MatrixFiles.Write(path, new Matrix<BigInteger>(1, 2, [3, -BigInteger.Pow(2, 100)])); break;
        }

        var lines = MatrixFiles.Inspect(path).ReplaceLineEndings("\n").Split('\n');

        Assert.Contains($"dtype:  {dtype}", lines);
        Assert.Contains($"min:    {min}", lines);
        Assert.Contains($"max:    {max}", lines);
    }

    [Fact]
    public void Reports_bad_files_like_read() =>
        Assert.Throws<InputFileException>(() => MatrixFiles.Inspect(directory.File("absent.npy")));
}
