using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Host.Commands;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Host.Tests;

/// <summary><c>duet party</c>'s input read by blocks of rows (<see cref="OperandFile"/>) against the whole reader
/// (<see cref="Operand.Read"/>): the same entries, the same description, the same one-line errors.</summary>
public sealed class OperandFileTests : IDisposable
{
    private const string FractionOption = "--frac-bits";

    // More rows than several blocks (2^13 entries each), so that rows are numbered and read across blocks.
    private const int Rows = 5000;
    private const int Columns = 9;

    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    public static TheoryData<string, int> Inputs() => new()
    {
        { "i8.npy", 0 },
        { "i4.npy", 0 },
        { "f8.npy", 8 },
        { "i8.npy", 4 },
        { "ints.csv", 0 },
        { "reals.csv", 8 },
        { "header.csv", 0 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void RowsReadByBlocksAreTheWholeReadersEntries(string name, int fractionBits)
    {
        var path = Write(name, Integers(), Reals());
        var header = name.StartsWith("header", StringComparison.Ordinal);
        var whole = Operand.Read(path, header, 30, fractionBits, FractionOption);
        using var file = OperandFile.Open(path, header, 30, fractionBits, FractionOption, directory.Path);

        Assert.Equal((whole.Encoded.Rows, whole.Encoded.Columns, whole.Description), (file.Rows, file.Columns, file.Description));
        Assert.Equal(whole.Encoded.Data, file.ReadAll().Data);
        foreach (var (first, count) in new[] { (0, 1), (17, 40), (908, 5), (100, 2000), (Rows - 7, 7) })
        {
            Assert.Equal(whole.Encoded.Data.AsSpan(first * Columns, count * Columns).ToArray(), file.ReadRows(first, count).Data);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(Rows - 1, 2));
    }

    [Theory]
    [InlineData("i8.npy", 0)]
    [InlineData("ints.csv", 0)]
    [InlineData("f8.npy", 8)]
    [InlineData("reals.csv", 8)]
    public void AnEntryOutOfBoundFarIntoTheFileFailsWithTheWholeReadersLine(string name, int fractionBits)
    {
        var integers = Integers();
        integers[4321, 5] = -(1L << 20);
        var reals = Reals();
        reals[4321, 5] = 1 << 12;
        var path = Write(name, integers, reals);

        var whole = Assert.ThrowsAny<Exception>(() => Operand.Read(path, false, 20, fractionBits, FractionOption));
        var blocks = Assert.ThrowsAny<Exception>(() => OperandFile.Open(path, false, 20, fractionBits, FractionOption, directory.Path));
        Assert.Equal(whole.GetType(), blocks.GetType());
        Assert.Equal(whole.Message, blocks.Message);
        Assert.Contains("row 4322, column 6", blocks.Message, StringComparison.Ordinal);
        Assert.Equal([name], directory.FileNames());
    }

    [Theory]
    [InlineData("f8.npy")]
    [InlineData("reals.csv")]
    public void RealsWithoutFractionBitsOrANaNFailAsTheWholeReaderSays(string name)
    {
        var reals = Reals();
        var path = Write(name, Integers(), reals);
        Assert.Equal(
            Assert.Throws<UsageException>(() => Operand.Read(path, false, 20, 0, FractionOption)).Message,
            Assert.Throws<UsageException>(() => OperandFile.Open(path, false, 20, 0, FractionOption, directory.Path)).Message);

        reals[4000, 0] = double.NaN;
        path = Write(name, Integers(), reals);
        var whole = Assert.Throws<InputFileException>(() => Operand.Read(path, false, 20, 8, FractionOption));
        Assert.Equal(whole.Message, Assert.Throws<InputFileException>(() => OperandFile.Open(path, false, 20, 8, FractionOption, directory.Path)).Message);
        Assert.Equal(4001, whole.Row);
    }

    [Fact]
    public void ACsvLineOfTheWrongWidthAfterTheFirstBlockNamesItsRow()
    {
        var text = new StringBuilder(CsvText(Integers()));
        text.AppendLine("1,2");
        var path = directory.WriteText("short.csv", text.ToString());
        var whole = Assert.Throws<InputFileException>(() => Operand.Read(path, false, 20, 0, FractionOption));
        Assert.Equal(whole.Message, Assert.Throws<InputFileException>(() => OperandFile.Open(path, false, 20, 0, FractionOption, directory.Path)).Message);
        Assert.Equal(Rows + 1, whole.Row);
    }

    [Fact]
    public void ACsvInputGoesThroughAnOwnerOnlyScratchFileThatLeavesNoName()
    {
        var path = Write("ints.csv", Integers(), Reals());
        using var file = OperandFile.Open(path, false, 20, 0, FractionOption, directory.Path);
        var scratch = file.ScratchHandle!;
        Assert.Equal(Rows * Columns * sizeof(long), RandomAccess.GetLength(scratch));
        if (!OperatingSystem.IsWindows())
        {
            // Unlinked at once: only the open handle holds it, so not even a killed party leaves it behind.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(scratch));
            Assert.Equal(["ints.csv"], directory.FileNames());
        }

        file.Dispose();
        Assert.Equal(["ints.csv"], directory.FileNames());
    }

    [Theory]
    [InlineData("i8.npy")]
    [InlineData("ints.csv")]
    public void TheResumeDigestIsTheDigestOfTheWholeInput(string name)
    {
        var path = Write(name, Integers(), Reals());
        using var file = OperandFile.Open(path, false, 20, 0, FractionOption, directory.Path);
        var whole = Operand.Read(path, false, 20, 0, FractionOption).Encoded;

        // The digest journals were written with when inputs were read whole: "RxC:" then the entries as little-endian int64.
        var expected = SHA256.HashData([.. Encoding.ASCII.GetBytes($"{Rows}x{Columns}:"), .. MemoryMarshal.AsBytes(whole.Data.AsSpan())]);
        Assert.Equal(expected, PartyResume.InputDigest(file));
        whole.Data[^1] ^= 1;
        Assert.NotEqual(PartyResume.InputDigest(new MatrixRows(whole)), PartyResume.InputDigest(file));
    }

    private static Matrix<long> Integers()
    {
        var random = new Random(13);
        var m = new Matrix<long>(Rows, Columns);
        for (var i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = random.NextInt64(-(1L << 20) + 1, 1L << 20);
        }

        return m;
    }

    private static Matrix<double> Reals()
    {
        var random = new Random(14);
        var m = new Matrix<double>(Rows, Columns);
        for (var i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = (random.NextDouble() - 0.5) * 100;
        }

        return m;
    }

    private string Write(string name, Matrix<long> integers, Matrix<double> reals)
    {
        var path = directory.File(name);
        switch (name)
        {
            case "i8.npy":
                MatrixFiles.Write(path, integers);
                break;
            case "i4.npy":
                directory.WriteBytes(name, [.. NpyHeader.Encode(NpyDtype.Int32, Rows, Columns), .. MemoryMarshal.AsBytes(Array.ConvertAll(integers.Data, x => (int)x).AsSpan())]);
                break;
            case "f8.npy":
                MatrixFiles.Write(path, reals);
                break;
            case "reals.csv":
                MatrixFiles.Write(path, reals);
                break;
            case "header.csv":
                directory.WriteText(name, "a,b,c,d,e,f,g,h,i\n" + CsvText(integers));
                break;
            default:
                directory.WriteText(name, CsvText(integers));
                break;
        }

        return path;
    }

    private static string CsvText(Matrix<long> m)
    {
        var text = new StringBuilder();
        for (var r = 0; r < m.Rows; r++)
        {
            text.AppendLine(string.Join(',', m.Data.AsSpan(r * m.Columns, m.Columns).ToArray().Select(x => x.ToString(CultureInfo.InvariantCulture))));
        }

        return text.ToString();
    }
}
