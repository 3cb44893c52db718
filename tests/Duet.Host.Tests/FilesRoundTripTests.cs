using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FilesRoundTripTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void Int64_round_trips_exactly(string name)
    {
        var matrix = new Matrix<long>(2, 3, [long.MinValue, -1, 0, 1, 42, long.MaxValue]);
        var path = directory.File(name);

        MatrixFiles.Write(path, matrix);
        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.Int64, file.ElementType);
        Assert.True(file.IsInteger);
        AssertSame(matrix, file.ToInt64());
    }

    [Fact]
    public void UInt64_round_trips_exactly_through_npy_as_uint64()
    {
        var matrix = new Matrix<ulong>(3, 1, [0, (ulong)long.MaxValue + 1, ulong.MaxValue]);
        var path = directory.File("s.npy");

        MatrixFiles.Write(path, matrix);
        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.UInt64, file.ElementType);
        AssertSame(matrix, file.ToUInt64());
    }

    [Fact]
    public void UInt64_round_trips_exactly_through_csv()
    {
        var matrix = new Matrix<ulong>(1, 3, [0, (ulong)long.MaxValue + 1, ulong.MaxValue]);
        var path = directory.File("s.csv");

        MatrixFiles.Write(path, matrix);

        AssertSame(matrix, MatrixFiles.Read(path).ToUInt64());
        Assert.Equal("0,9223372036854775808,18446744073709551615\n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void Float64_round_trips_bit_for_bit(string name)
    {
        var matrix = new Matrix<double>(2, 4, [0.1, -1e300, 1.0, -0.0, double.Epsilon, double.MaxValue, -double.MaxValue, 1e20]);
        var path = directory.File(name);

        MatrixFiles.Write(path, matrix);
        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.Float64, file.ElementType);
        Assert.False(file.IsInteger);
        var read = file.ToFloat64();
        Assert.Equal((matrix.Rows, matrix.Columns), (read.Rows, read.Columns));
        Assert.Equal(matrix.Data.Select(BitConverter.DoubleToInt64Bits), read.Data.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Integral_reals_stay_reals_in_csv()
    {
        var path = directory.File("r.csv");

        MatrixFiles.Write(path, new Matrix<double>(1, 3, [1, -2, 0.5]));

        Assert.Equal("1.0,-2.0,0.5\n", File.ReadAllText(path));
        Assert.Equal(MatrixElementType.Float64, MatrixFiles.Read(path).ElementType);
    }

    [Fact]
    public void Huge_big_integers_round_trip_exactly_through_csv()
    {
        var huge = BigInteger.Pow(2, 300) + 12345;
        var matrix = new Matrix<BigInteger>(2, 2, [huge, -huge, new BigInteger(ulong.MaxValue) + 1, long.MinValue]);
        var path = directory.File("share.csv");

        MatrixFiles.Write(path, matrix);
        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixElementType.BigInteger, file.ElementType);
        AssertSame(matrix, MatrixFiles.ReadIntegers(path));
    }

    [Fact]
    public void Big_integers_that_fit_int64_round_trip_through_npy()
    {
        var matrix = new Matrix<BigInteger>(1, 3, [long.MinValue, -7, long.MaxValue]);
        var path = directory.File("share.npy");

        MatrixFiles.Write(path, matrix);

        Assert.Equal(MatrixElementType.Int64, MatrixFiles.Read(path).ElementType);
        AssertSame(matrix, MatrixFiles.ReadIntegers(path));
    }

    [Fact]
    public void ReadIntegers_reads_uint64_npy_as_unsigned()
    {
        var path = directory.File("ring64.npy");
        MatrixFiles.Write(path, new Matrix<ulong>(1, 2, [ulong.MaxValue, 1]));

        var shares = MatrixFiles.ReadIntegers(path);

        Assert.Equal([new BigInteger(ulong.MaxValue), BigInteger.One], shares.Data);
    }

    [Fact]
    public void ReadIntegers_rejects_reals()
    {
        var path = directory.WriteText("r.csv", "1,2.5\n");

        var e = Assert.Throws<InputFileException>(() => MatrixFiles.ReadIntegers(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("real", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conversions_are_exact_or_name_the_entry()
    {
        var path = directory.File("u.npy");
        MatrixFiles.Write(path, new Matrix<ulong>(2, 2, [1, 2, 3, ulong.MaxValue]));
        var file = MatrixFiles.Read(path);

        var e = Assert.Throws<InputFileException>(file.ToInt64);

        Assert.Equal((2, 2), (e.Row, e.Column));
        Assert.Contains("18446744073709551615", e.Message, StringComparison.Ordinal);
        Assert.Equal([1.0, 2.0], MatrixFiles.Read(directory.WriteText("i.csv", "1,2\n")).ToFloat64().Data);
        Assert.Throws<InputFileException>(() => MatrixFiles.Read(directory.WriteText("b.csv", "9007199254740993\n")).ToFloat64());
        Assert.Throws<InputFileException>(() => MatrixFiles.Read(directory.WriteText("n.csv", "-1\n")).ToUInt64());
    }

    private static void AssertSame<T>(Matrix<T> expected, Matrix<T> actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Data, actual.Data);
    }
}
