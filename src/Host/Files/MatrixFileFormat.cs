namespace Duet.Host.Files;

/// <summary>The on-disk format of a matrix file, chosen by its extension.</summary>
public enum MatrixFileFormat
{
    /// <summary>Comma-separated text, one matrix row a line (<c>.csv</c>).</summary>
    Csv,

    /// <summary>NumPy array file (<c>.npy</c>), little-endian, C order.</summary>
    Npy,
}

/// <summary>The type of the entries as stored in a file.</summary>
public enum MatrixElementType
{
    /// <summary>Signed 64-bit integers (.npy <c>&lt;i8</c> or <c>&lt;i4</c>; CSV integers that fit).</summary>
    Int64,

    /// <summary>Unsigned 64-bit integers (.npy <c>&lt;u8</c>): ring64 shares.</summary>
    UInt64,

    /// <summary>IEEE doubles (.npy <c>&lt;f8</c> or <c>&lt;f4</c>; CSV with any non-integer cell).</summary>
    Float64,

    /// <summary>Integers of any size (CSV only): integer-domain shares.</summary>
    BigInteger,
}

internal static class MatrixFileFormats
{
    /// <summary>The format named by the path's extension (case-insensitive), or null for any other extension.</summary>
    public static MatrixFileFormat? FromPath(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => MatrixFileFormat.Csv,
        ".NPY" => MatrixFileFormat.Npy,
        _ => null,
    };

    public static string UnknownExtension(string path)
    {
        var extension = Path.GetExtension(path);
        var what = extension.Length == 0 ? "no extension" : $"unknown extension '{extension}'";
        return $"{what}: expected .csv or .npy";
    }

    public static string Name(this MatrixElementType type) => type switch
    {
        MatrixElementType.Int64 => "int64",
        MatrixElementType.UInt64 => "uint64",
        MatrixElementType.Float64 => "float64",
        MatrixElementType.BigInteger => "big integer",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
