using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// An open .npy file (little-endian, C order, 2-D) whose rows are read by blocks with positioned reads, so that only
/// the block asked for is in memory (no mapping: mapped pages would count in the process's resident set).
/// </summary>
internal sealed class NpyRowReader : IDisposable
{
    private readonly FileStream stream;
    private readonly long dataOffset;

    /// <summary>Opens the file and checks its header and its length against the shape.</summary>
    public NpyRowReader(string path)
    {
        Path = path;
        stream = MatrixFileAccess.OpenRead(path);
        try
        {
            if (stream.Length == 0)
            {
                throw new InputFileException(path, "file is empty");
            }

            (Dtype, Rows, Columns) = NpyHeader.Read(stream, path);
            dataOffset = stream.Position;
            var expected = (long)Rows * Columns * Dtype.ItemSize;
            var actual = stream.Length - dataOffset;
            if (actual != expected)
            {
                var what = actual < expected ? "data is truncated" : "data is longer than its shape";
                throw new InputFileException(
                    path,
                    string.Create(CultureInfo.InvariantCulture, $"{what}: {actual} bytes, expected {expected} for {Rows}x{Columns} of {Dtype.Descr}"));
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public NpyDtype Dtype { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Rows [firstRow, firstRow + rowCount) in the type the file stores; reals are checked finite.</summary>
    public MatrixFile Read(int firstRow, int rowCount)
    {
        var count = checked(rowCount * Columns);
        var offset = dataOffset + ((long)firstRow * Columns * Dtype.ItemSize);
        return Dtype.Descr switch
        {
            "<i8" => Block(new Matrix<long>(rowCount, Columns, ReadData<long>(offset, count))),
            "<u8" => Block(new Matrix<ulong>(rowCount, Columns, ReadData<ulong>(offset, count))),
            "<i4" => Block(new Matrix<long>(rowCount, Columns, Array.ConvertAll(ReadData<int>(offset, count), x => (long)x))),
            "<f8" => Block(Finite(new Matrix<double>(rowCount, Columns, ReadData<double>(offset, count)), firstRow)),
            _ => Block(Finite(new Matrix<double>(rowCount, Columns, Array.ConvertAll(ReadData<float>(offset, count), x => (double)x)), firstRow)),
        };

        MatrixFile Block<T>(Matrix<T> matrix) => matrix switch
        {
            Matrix<long> m => new MatrixFile(Path, MatrixFileFormat.Npy, m) { FirstRow = firstRow },
            Matrix<ulong> m => new MatrixFile(Path, MatrixFileFormat.Npy, m) { FirstRow = firstRow },
            Matrix<double> m => new MatrixFile(Path, MatrixFileFormat.Npy, m) { FirstRow = firstRow },
            _ => throw new InvalidOperationException(typeof(T).Name),
        };
    }

    public void Dispose() => stream.Dispose();

    private T[] ReadData<T>(long offset, int count)
        where T : unmanaged
    {
        var data = new T[count];
        var chunk = NpyMatrixFile.ChunkBytes / Unsafe.SizeOf<T>();
        for (var start = 0; start < count; start += chunk)
        {
            var values = data.AsSpan(start, Math.Min(chunk, count - start));
            var bytes = MemoryMarshal.AsBytes(values);
            var position = offset + ((long)start * Unsafe.SizeOf<T>());
            for (var done = 0; done < bytes.Length;)
            {
                var read = RandomAccess.Read(stream.SafeFileHandle, bytes[done..], position + done);
                done += read > 0 ? read : throw new InputFileException(Path, "data is truncated (the file shrank while it was read)");
            }

            if (!BitConverter.IsLittleEndian)
            {
                NpyMatrixFile.ToLittleEndian(values);
            }
        }

        return data;
    }

    private Matrix<double> Finite(Matrix<double> matrix, int firstRow)
    {
        var index = Array.FindIndex(matrix.Data, x => !double.IsFinite(x));
        if (index < 0)
        {
            return matrix;
        }

        var (row, column) = MatrixFileException.PositionOf(index, matrix.Columns);
        throw new InputFileException(Path, $"{MatrixText.Format(matrix.Data[index])} is not a finite number (NaN or infinity)", firstRow + row, column);
    }
}
