using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Duet.Crypto.Encoding;

namespace Duet.Benchmarks;

/// <summary>Writes an int64 matrix as NumPy .npy version 1.0 (little-endian, C order): the inputs of the `duet party` runs.</summary>
internal static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void Write(string path, Matrix<long> matrix)
    {
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<i8', 'fortran_order': False, 'shape': ({matrix.Rows}, {matrix.Columns}), }}");

        // Magic, version and the 2-byte length take 10 bytes; the header is padded so the data starts at a multiple of 64.
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        using var stream = new BufferedStream(File.Create(path), 1 << 16);
        stream.Write(Magic);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)padded.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(padded));
        Span<byte> entry = stackalloc byte[8];
        foreach (var value in matrix.Data)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry, value);
            stream.Write(entry);
        }
    }
}
