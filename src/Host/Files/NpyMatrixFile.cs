using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>Reads and writes matrices as NumPy .npy files: little-endian, C order, 2-D.</summary>
internal static class NpyMatrixFile
{
    // Bounded chunks keep spans under 2 GiB and byte-swapping buffers small.
    private const int ChunkBytes = 1 << 20;

    public static MatrixFile Read(string path)
    {
        using var stream = MatrixFileAccess.OpenRead(path);
        if (stream.Length == 0)
        {
            throw new InputFileException(path, "file is empty");
        }

        var (dtype, rows, columns) = NpyHeader.Read(stream, path);
        var expected = (long)rows * columns * dtype.ItemSize;
        var actual = stream.Length - stream.Position;
        if (actual != expected)
        {
            var what = actual < expected ? "data is truncated" : "data is longer than its shape";
            throw new InputFileException(
                path,
                string.Create(CultureInfo.InvariantCulture, $"{what}: {actual} bytes, expected {expected} for {rows}x{columns} of {dtype.Descr}"));
        }

        var count = rows * columns;
        return dtype.Descr switch
        {
            "<i8" => new MatrixFile(path, MatrixFileFormat.Npy, new Matrix<long>(rows, columns, ReadData<long>(stream, count))),
            "<u8" => new MatrixFile(path, MatrixFileFormat.Npy, new Matrix<ulong>(rows, columns, ReadData<ulong>(stream, count))),
            "<i4" => new MatrixFile(path, MatrixFileFormat.Npy, new Matrix<long>(rows, columns, Array.ConvertAll(ReadData<int>(stream, count), x => (long)x))),
            "<f8" => new MatrixFile(path, MatrixFileFormat.Npy, Finite(path, new Matrix<double>(rows, columns, ReadData<double>(stream, count)))),
            _ => new MatrixFile(path, MatrixFileFormat.Npy, Finite(path, new Matrix<double>(rows, columns, Array.ConvertAll(ReadData<float>(stream, count), x => (double)x)))),
        };
    }

    public static void Write<T>(Stream stream, Matrix<T> matrix, NpyDtype dtype)
        where T : unmanaged
    {
        stream.Write(NpyHeader.Encode(dtype, matrix.Rows, matrix.Columns));
        WriteValues<T>(stream, matrix.Data);
    }

    /// <summary>Values after the header (written whole or in parts, as a streamed writer does), little-endian.</summary>
    public static void WriteValues<T>(Stream stream, ReadOnlySpan<T> data)
        where T : unmanaged
    {
        var chunk = ChunkBytes / Unsafe.SizeOf<T>();
        var swapped = BitConverter.IsLittleEndian ? null : new T[chunk];
        for (var start = 0; start < data.Length; start += chunk)
        {
            var values = data.Slice(start, Math.Min(chunk, data.Length - start));
            if (swapped is not null)
            {
                values.CopyTo(swapped);
                values = swapped.AsSpan(0, values.Length);
                ToLittleEndian(swapped.AsSpan(0, values.Length));
            }

            stream.Write(MemoryMarshal.AsBytes(values));
        }
    }

    private static T[] ReadData<T>(Stream stream, int count)
        where T : unmanaged
    {
        var data = new T[count];
        var chunk = ChunkBytes / Unsafe.SizeOf<T>();
        for (var start = 0; start < count; start += chunk)
        {
            var values = data.AsSpan(start, Math.Min(chunk, count - start));
            stream.ReadExactly(MemoryMarshal.AsBytes(values));
            if (!BitConverter.IsLittleEndian)
            {
                ToLittleEndian(values);
            }
        }

        return data;
    }

    /// <summary>Swaps byte order in place (the same swap converts either way).</summary>
    private static void ToLittleEndian<T>(Span<T> values)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 8)
        {
            var words = MemoryMarshal.Cast<T, ulong>(values);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        else
        {
            var words = MemoryMarshal.Cast<T, uint>(values);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static Matrix<double> Finite(string path, Matrix<double> matrix)
    {
        var index = Array.FindIndex(matrix.Data, x => !double.IsFinite(x));
        if (index < 0)
        {
            return matrix;
        }

        var (row, column) = MatrixFileException.PositionOf(index, matrix.Columns);
        throw new InputFileException(path, $"{MatrixText.Format(matrix.Data[index])} is not a finite number (NaN or infinity)", row, column);
    }
}
