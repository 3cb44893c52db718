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
    internal const int ChunkBytes = 1 << 20;

    /// <summary>The whole file, in the type it stores.</summary>
    public static MatrixFile Read(string path)
    {
        using var rows = new NpyRowReader(path);
        return rows.Read(0, rows.Rows);
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

    /// <summary>Swaps byte order in place (the same swap converts either way).</summary>
    internal static void ToLittleEndian<T>(Span<T> values)
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
}
