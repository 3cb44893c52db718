using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Duet.Actors;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// <c>duet party</c>'s input as the runtime reads it, by blocks of rows, never whole unless the session needs it whole.
/// Opening it reads the file once, block by block, with every check of the whole reader (shape, bounds, reals and their
/// fixed-point encoding, the same one-line errors). A <c>.npy</c> is then read by positioned reads of the rows asked for;
/// a CSV, whose rows have no fixed offsets, is converted in that pass into a scratch file of int64 entries beside the
/// output (created 0600; on Unix its name is removed at once, so only the open handle holds it, and even a killed
/// process leaves nothing; elsewhere it is deleted when this is disposed).
/// </summary>
internal sealed class OperandFile : IOperandRows, IDisposable
{
    // Entries per block read: 64 KiB of int64, so that a block's buffers stay below the large object heap (85 000
    // bytes), whose garbage waits for a full collection and would make the resident set grow with the rows read.
    internal const int BlockEntries = 1 << 13;

    private readonly NpyRowReader? npy;
    private readonly FileStream? scratch;
    private readonly Func<MatrixFile, Matrix<long>> encode;

    private OperandFile(NpyRowReader? npy, FileStream? scratch, Func<MatrixFile, Matrix<long>> encode, int rows, int columns, string description)
    {
        (this.npy, this.scratch, this.encode) = (npy, scratch, encode);
        (Rows, Columns, Description) = (rows, columns, description);
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The path, shape and kind, as the party's first line says it.</summary>
    public string Description { get; }

    /// <summary>Opens and checks the input; a CSV's scratch file goes into <paramref name="scratchDirectory"/>.</summary>
    public static OperandFile Open(string path, bool header, int inputBits, int fractionBits, string fractionOption, string scratchDirectory)
    {
        Operand.CheckBits(inputBits, fractionBits);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InputFileException(path, "file not found");
        }

        var format = MatrixFileFormats.FromPath(path) ?? throw new InputFileException(path, MatrixFileFormats.UnknownExtension(path));
        Matrix<long> Encode(MatrixFile block) => Operand.Encode(block, inputBits, fractionBits, fractionOption);
        try
        {
            return format == MatrixFileFormat.Npy ? OpenNpy(path, Encode, fractionBits) : OpenCsv(path, header, Encode, fractionBits, scratchDirectory);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, $"cannot read: {e.Message}", innerException: e);
        }
    }

    public void Read(int firstRow, int rowCount, Span<long> destination)
    {
        OperandRows.CheckRange(this, firstRow, rowCount, destination.Length);
        if (npy is not null)
        {
            var step = RowsPerBlock(Columns);
            for (var done = 0; done < rowCount; done += step)
            {
                var rows = Math.Min(step, rowCount - done);
                encode(npy.Read(firstRow + done, rows)).Data.CopyTo(destination.Slice(done * Columns, rows * Columns));
            }

            return;
        }

        var bytes = MemoryMarshal.AsBytes(destination);
        var offset = (long)firstRow * Columns * sizeof(long);
        for (var done = 0; done < bytes.Length;)
        {
            var read = RandomAccess.Read(scratch!.SafeFileHandle, bytes[done..], offset + done);
            done += read > 0 ? read : throw new IOException($"the input's scratch file {scratch.Name} ended early");
        }
    }

    /// <summary>The CSV's scratch file, for tests; null for a .npy.</summary>
    internal Microsoft.Win32.SafeHandles.SafeFileHandle? ScratchHandle => scratch?.SafeFileHandle;

    public void Dispose()
    {
        npy?.Dispose();
        scratch?.Dispose();
    }

    private static OperandFile OpenNpy(string path, Func<MatrixFile, Matrix<long>> encode, int fractionBits)
    {
        var reader = new NpyRowReader(path);
        try
        {
            var step = RowsPerBlock(reader.Columns);
            for (var first = 0; first < reader.Rows; first += step)
            {
                encode(reader.Read(first, Math.Min(step, reader.Rows - first)));
            }

            return new OperandFile(reader, null, encode, reader.Rows, reader.Columns, Operand.Describe(path, reader.Rows, reader.Columns, fractionBits));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static OperandFile OpenCsv(string path, bool header, Func<MatrixFile, Matrix<long>> encode, int fractionBits, string scratchDirectory)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the input's scratch file assumes a little-endian machine");
        }

        var scratch = CreateScratch(path, scratchDirectory);
        try
        {
            using var reader = new CsvMatrixReader(path, header);
            var (rows, columns, step) = (0, 0, 1);
            while (reader.Next(step) is { } block)
            {
                scratch.Write(MemoryMarshal.AsBytes(encode(block).Data.AsSpan()));
                (rows, columns, step) = (rows + block.Rows, block.Columns, RowsPerBlock(block.Columns));
            }

            scratch.Flush();
            return new OperandFile(null, scratch, encode, rows, columns, Operand.Describe(path, rows, columns, fractionBits));
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    private static FileStream CreateScratch(string path, string directory)
    {
        var scratchPath = Path.Combine(directory, $"{Path.GetFileName(path)}.duet-input-{RandomNumberGenerator.GetHexString(12, lowercase: true)}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var scratch = new FileStream(scratchPath, options);
            if (!OperatingSystem.IsWindows())
            {
                File.Delete(scratchPath);
            }

            return scratch;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, $"cannot create its scratch file {scratchPath} (a CSV input is converted there for reading by rows): {e.Message}", innerException: e);
        }
    }

    private static int RowsPerBlock(int columns) => Math.Max(1, BlockEntries / columns);
}
