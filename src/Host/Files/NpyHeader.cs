using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Duet.Host.Files;

/// <summary>An entry type of a .npy file that Duet reads: its descr, the type it reads as, and its size.</summary>
internal sealed record NpyDtype(string Descr, MatrixElementType ElementType, int ItemSize)
{
    public static readonly NpyDtype Int64 = new("<i8", MatrixElementType.Int64, 8);
    public static readonly NpyDtype UInt64 = new("<u8", MatrixElementType.UInt64, 8);
    public static readonly NpyDtype Float64 = new("<f8", MatrixElementType.Float64, 8);
    public static readonly NpyDtype Int32 = new("<i4", MatrixElementType.Int64, 4);
    public static readonly NpyDtype Float32 = new("<f4", MatrixElementType.Float64, 4);

    private static readonly NpyDtype[] Supported = [Int64, UInt64, Float64, Int32, Float32];

    public static NpyDtype? FromDescr(string descr) => Array.Find(Supported, d => d.Descr == descr);

    public static string SupportedList => string.Join(", ", Supported.Select(d => d.Descr));
}

/// <summary>
/// The header of a .npy file (format versions 1.0, 2.0 and 3.0): magic, version, length, then a Python
/// dict literal with 'descr', 'fortran_order' and 'shape', padded with spaces and a newline so that the
/// data starts at a multiple of 64 bytes.
/// </summary>
internal static class NpyHeader
{
    public const int Alignment = 64;

    /// <summary>numpy leaves room for the first axis to grow to this many digits without moving the data.</summary>
    private const int GrowthAxisMaxDigits = 21;

    private const int PrefixLength = 8;

    /// <summary>Like numpy's max_header_size: a longer header is refused rather than parsed.</summary>
    private const int MaxHeaderLength = 100_000;

    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The header bytes exactly as numpy's <c>np.save</c> writes them for a C-order 2-D array.</summary>
    public static byte[] Encode(NpyDtype dtype, int rows, int columns)
    {
        var dict = string.Create(
            CultureInfo.InvariantCulture,
            $"{{'descr': '{dtype.Descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        dict += new string(' ', GrowthAxisMaxDigits - rows.ToString(CultureInfo.InvariantCulture).Length);
        return Wrap(dict, major: 1) ?? Wrap(dict, major: 2)!;
    }

    /// <summary>Reads and checks the header, leaving the stream at the first data byte.</summary>
    /// <returns>The entry type and the shape as rows × columns (a 1-D shape (n,) is n × 1).</returns>
    public static (NpyDtype Dtype, int Rows, int Columns) Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        if (stream.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false) < PrefixLength || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InputFileException(path, "not a NumPy .npy file (bad magic)");
        }

        var (major, minor) = (prefix[6], prefix[7]);
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw new InputFileException(path, $".npy format version {major}.{minor} is not supported (1.0, 2.0 or 3.0)");
        }

        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (stream.ReadAtLeast(lengthBytes, lengthBytes.Length, throwOnEndOfStream: false) < lengthBytes.Length)
        {
            throw new InputFileException(path, ".npy header is truncated");
        }

        long length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (length > MaxHeaderLength)
        {
            throw new InputFileException(path, string.Create(CultureInfo.InvariantCulture, $".npy header of {length} bytes is too long"));
        }

        if (length > stream.Length - stream.Position)
        {
            throw new InputFileException(path, ".npy header is truncated");
        }

        var headerBytes = new byte[length];
        stream.ReadExactly(headerBytes);
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        try
        {
            return Interpret(PythonLiteral.Parse(header), path);
        }
        catch (FormatException e)
        {
            throw new InputFileException(path, $".npy header is not a valid dict: {e.Message}", innerException: e);
        }
    }

    private static (NpyDtype Dtype, int Rows, int Columns) Interpret(object? literal, string path)
    {
        if (literal is not IReadOnlyDictionary<string, object?> dict)
        {
            throw new FormatException("not a dict literal");
        }

        string[] keys = ["descr", "fortran_order", "shape"];
        if (dict.Count != keys.Length || !keys.All(dict.ContainsKey))
        {
            throw new FormatException($"keys are {{{string.Join(", ", dict.Keys.Select(k => $"'{k}'"))}}}, expected 'descr', 'fortran_order' and 'shape'");
        }

        var descr = dict["descr"] as string
            ?? throw new InputFileException(path, "unsupported .npy dtype (structured or not a string); expected " + NpyDtype.SupportedList);
        var dtype = NpyDtype.FromDescr(descr) ?? throw new InputFileException(path, UnsupportedDtype(descr));

        if (dict["fortran_order"] is not bool fortranOrder)
        {
            throw new FormatException("'fortran_order' is not True or False");
        }

        if (fortranOrder)
        {
            throw new InputFileException(path, ".npy array is in Fortran order; only C order is supported");
        }

        if (dict["shape"] is not IReadOnlyList<object?> shape || !shape.All(d => d is BigInteger { Sign: >= 0 }))
        {
            throw new FormatException("'shape' is not a tuple of non-negative integers");
        }

        var dimensions = shape.Cast<BigInteger>().ToArray();
        var shapeText = shape.Count == 1 ? $"({dimensions[0]},)" : $"({string.Join(", ", dimensions)})";
        if (dimensions.Length is not (1 or 2))
        {
            throw new InputFileException(path, $".npy array has shape {shapeText}; a matrix needs 2 dimensions (or 1 for a column)");
        }

        var rows = dimensions[0];
        var columns = dimensions.Length == 2 ? dimensions[1] : BigInteger.One;
        if (rows.IsZero || columns.IsZero)
        {
            throw new InputFileException(path, $".npy array is empty (shape {shapeText})");
        }

        if (rows * columns > Array.MaxLength)
        {
            throw new InputFileException(path, $".npy array of shape {shapeText} is too large to load");
        }

        return (dtype, (int)rows, (int)columns);
    }

    private static string UnsupportedDtype(string descr) =>
        descr.Length > 0 && descr[0] == '>'
            ? $".npy dtype '{descr}' is big-endian; only little-endian is supported"
            : $".npy dtype '{descr}' is not supported; expected {NpyDtype.SupportedList}";

    /// <summary>numpy's <c>_wrap_header</c>: null when the header is too long for that version's length field.</summary>
    private static byte[]? Wrap(string dict, int major)
    {
        var lengthSize = major == 1 ? 2 : 4;
        var headerLength = dict.Length + 1;
        var padding = Alignment - ((PrefixLength + lengthSize + headerLength) % Alignment);
        var total = headerLength + padding;
        if (major == 1 && total > ushort.MaxValue)
        {
            return null;
        }

        var bytes = new byte[PrefixLength + lengthSize + total];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(PrefixLength), (ushort)total);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(PrefixLength), (uint)total);
        }

        var body = bytes.AsSpan(PrefixLength + lengthSize);
        Encoding.Latin1.GetBytes(dict, body);
        body[dict.Length..^1].Fill((byte)' ');
        body[^1] = (byte)'\n';
        return bytes;
    }
}
