using System.Buffers.Binary;
using System.Text;
using Duet.Crypto.Encoding;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

public sealed class FormatsNpyTests : IDisposable
{
    /// <summary>np.save(f, np.array([[1, -2, 3], [4, 5, -6]], dtype='&lt;i8')) with numpy 1.24.</summary>
    private const string NumpySaved2x3 =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAg" +
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////AwAAAAAA" +
        "AAAEAAAAAAAAAAUAAAAAAAAA+v////////8=";

    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    /// <summary>
    /// A .npy file built by numpy's rules: magic, version, header length, the dict padded with spaces and a
    /// final newline so that the data starts at a multiple of 64 bytes, then the data.
    /// </summary>
    internal static byte[] NumpyFileWithHeader(string dict, byte[] data, int major = 1)
    {
        var prefixLength = major == 1 ? 10 : 12;
        var headerLength = dict.Length + 1;
        var padded = headerLength + ((64 - ((prefixLength + headerLength) % 64)) % 64);
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)major);
        bytes.Add(0);
        if (major == 1)
        {
            bytes.AddRange(BitConverter.GetBytes((ushort)padded));
        }
        else
        {
            bytes.AddRange(BitConverter.GetBytes((uint)padded));
        }

        bytes.AddRange((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict.PadRight(padded - 1) + "\n"));
        bytes.AddRange(data);
        return [.. bytes];
    }

    internal static byte[] NumpyFile(string descr, string shape, byte[] data, int major = 1) =>
        NumpyFileWithHeader($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", data, major);

    private static byte[] Int64s(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    [Fact]
    public void Reads_a_hand_built_numpy_file()
    {
        var bytes = NumpyFile("<i8", "(2, 3)", Int64s(1, -2, 3, 4, 5, -6));
        Assert.Equal(128, bytes.Length - 48);
        var path = directory.WriteBytes("x.npy", bytes);

        var file = MatrixFiles.Read(path);

        Assert.Equal(MatrixFileFormat.Npy, file.Format);
        Assert.Equal(MatrixElementType.Int64, file.ElementType);
        Assert.Equal((2, 3), (file.Rows, file.Columns));
        Assert.Equal([1L, -2, 3, 4, 5, -6], file.ToInt64().Data);
    }

    [Fact]
    public void Writes_byte_for_byte_what_numpy_writes()
    {
        var path = directory.File("x.npy");

        MatrixFiles.Write(path, new Matrix<long>(2, 3, [1, -2, 3, 4, 5, -6]));

        var written = File.ReadAllBytes(path);
        Assert.Equal(Convert.FromBase64String(NumpySaved2x3), written);
        Assert.Equal(NumpyFile("<i8", "(2, 3)", Int64s(1, -2, 3, 4, 5, -6)), written);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(123456789, 7)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(5, 1000000000)]
    public void Written_header_follows_numpy_rules(int rows, int columns)
    {
        var header = NpyHeader.Encode(NpyDtype.Float64, rows, columns);

        // numpy 1.24 writes a 128-byte header for every 2-D shape: 10 + dict + 21-digit growth room + padding.
        Assert.Equal(128, header.Length);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal([0x93, .. "NUMPY"u8, 1, 0], header[..8]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        Assert.Equal((byte)'\n', header[^1]);
        var dict = Encoding.Latin1.GetString(header, 10, header.Length - 10);
        Assert.Equal($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}", dict.TrimEnd());
        Assert.Equal(dict.Length - 1, dict.TrimEnd('\n').Length);
    }

    [Theory]
    [InlineData("<i8", MatrixElementType.Int64)]
    [InlineData("<u8", MatrixElementType.UInt64)]
    [InlineData("<f8", MatrixElementType.Float64)]
    public void Written_files_read_back_by_the_same_rules(string descr, MatrixElementType type)
    {
        var path = directory.File("x.npy");
        switch (type)
        {
            case MatrixElementType.Int64: MatrixFiles.Write(path, new Matrix<long>(1, 2, [7, 8])); break;
            case MatrixElementType.UInt64: MatrixFiles.Write(path, new Matrix<ulong>(1, 2, [7, 8])); break;
            default: MatrixFiles.Write(path, new Matrix<double>(1, 2, [7, 8])); break;
        }

        var written = File.ReadAllBytes(path);
        var data = written[^16..];

        Assert.Equal(NumpyFile(descr, "(1, 2)", data), written);
        Assert.Equal(type, MatrixFiles.Read(path).ElementType);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_format_versions_2_and_3(int major)
    {
        var path = directory.WriteBytes("x.npy", NumpyFile("<i8", "(1, 2)", Int64s(-1, 1), major));

        Assert.Equal([-1L, 1], MatrixFiles.Read(path).ToInt64().Data);
    }

    [Fact]
    public void Reads_a_one_dimensional_array_as_a_column()
    {
        var path = directory.WriteBytes("x.npy", NumpyFile("<i8", "(3,)", Int64s(1, 2, 3)));

        var file = MatrixFiles.Read(path);

        Assert.Equal((3, 1), (file.Rows, file.Columns));
        Assert.Equal([1L, 2, 3], file.ToInt64().Data);
    }

    [Fact]
    public void Widens_int32_and_float32()
    {
        var ints = directory.WriteBytes("i.npy", NumpyFile("<i4", "(1, 2)", [.. BitConverter.GetBytes(int.MinValue), .. BitConverter.GetBytes(5)]));
        var floats = directory.WriteBytes("f.npy", NumpyFile("<f4", "(1, 2)", [.. BitConverter.GetBytes(0.1f), .. BitConverter.GetBytes(-3f)]));

        var intFile = MatrixFiles.Read(ints);
        var floatFile = MatrixFiles.Read(floats);

        Assert.Equal(MatrixElementType.Int64, intFile.ElementType);
        Assert.Equal([int.MinValue, 5L], intFile.ToInt64().Data);
        Assert.Equal(MatrixElementType.Float64, floatFile.ElementType);
        Assert.Equal([(double)0.1f, -3.0], floatFile.ToFloat64().Data);
    }

    [Theory]
    [InlineData("{\"descr\": \"<i8\", \"shape\": (1, 2), \"fortran_order\": False}")]
    [InlineData("{ 'shape' : ( 1 , 2 ) , 'fortran_order' : False , 'descr' : '<i8' }")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (1L, 2L), }")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': [1, 2]}")]
    public void Header_is_parsed_as_a_python_dict_literal(string header)
    {
        var path = directory.WriteBytes("x.npy", NumpyFileWithHeader(header, Int64s(3, 4)));

        Assert.Equal([3L, 4], MatrixFiles.Read(path).ToInt64().Data);
    }

    [Fact]
    public void Python_literal_parser_handles_nesting_and_escapes()
    {
        var value = PythonLiteral.Parse("{'a': (1, -2, [True, None]), \"b\\\"c\": 'd\\'e', 'f': ()}");

        var dict = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(value);
        Assert.Equal(["a", "b\"c", "f"], dict.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("d'e", dict["b\"c"]);
        var tuple = Assert.IsAssignableFrom<IReadOnlyList<object?>>(dict["a"]);
        Assert.Equal(3, tuple.Count);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object?>>(dict["f"]));
    }

    [Fact]
    public void Large_matrix_round_trips_across_read_chunks()
    {
        var values = Enumerable.Range(0, 300_001).Select(i => ((long)i * 2_654_435_761) - (1L << 40)).ToArray();
        var matrix = new Matrix<long>(300_001, 1, values);
        var path = directory.File("big.npy");

        MatrixFiles.Write(path, matrix);

        Assert.Equal(values, MatrixFiles.Read(path).ToInt64().Data);
    }
}
