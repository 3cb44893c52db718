using System.Buffers.Binary;
using System.Numerics;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Microsoft.Win32.SafeHandles;

namespace Duet.Host.Files;

/// <summary>
/// A share file written as the session's tiles finish (<see cref="IShareSink"/>), never whole in memory. Every entry
/// has a fixed-width record, so a region lands at its own offset in any order: a <c>.npy</c> is written in place in a
/// temporary file that starts with its final header (uint64 records); a <c>.csv</c> goes to a temporary file of
/// fixed-width records (8 bytes for ring64, ⌊ShareBits/8⌋ + 1 two's-complement bytes for integer shares) that
/// <see cref="Finish"/> converts row by row into the CSV text the in-memory writer would write. Nothing appears
/// under the final name before the host's commit; a killed run leaves only <c>name.tmp-*</c> files. A journaled run
/// writes to the fixed <paramref name="partial"/> name instead, which a resume (<paramref name="resume"/>) opens again
/// as it is, to write the tiles that are left. What was written is read back (<see cref="Read"/>) to reveal it or to add
/// the product; the peer's revealed share goes to a file of records only (<see cref="ForPeerShare"/>), never finished.
/// </summary>
internal sealed class StreamedShareFile(string path, string? partial = null, bool resume = false, bool recordsOnly = false) : IShareSink, IDisposable
{
    private SafeFileHandle? handle;
    private string? temporary;
    private ShareLayout? layout;
    private long dataOffset;
    private int recordBytes;

    private bool readAfterFinish;

    private bool IsNpy => !recordsOnly && MatrixFileFormats.FromPath(path) == MatrixFileFormat.Npy;

    /// <summary>What the file holds, once open.</summary>
    public ShareLayout Layout => layout ?? throw new InvalidOperationException("the share file is not open");

    /// <summary>A file of records for the peer's revealed share beside <paramref name="productPath"/>, deleted at the end.
    /// A journaled run gives it a fixed name (<c>product.peer-share.duet-partial</c>), which a resumed run starts afresh,
    /// so a killed run leaves no file behind that the resume does not replace.</summary>
    public static StreamedShareFile ForPeerShare(string productPath, bool journaled = false) =>
        new(productPath + ".peer-share", partial: journaled ? productPath + ".peer-share.duet-partial" : null, recordsOnly: true);

    /// <summary>Creates the temporary file at its full size (sparse where the file system allows).</summary>
    public void Open(ShareLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (this.layout is not null)
        {
            throw new InvalidOperationException("the share file is already open");
        }

        if (IsNpy && layout.Domain != ShareDomain.Ring64)
        {
            throw new OutputFileException(path, "integer shares are wider than int64 and are written as .csv");
        }

        this.layout = layout;
        recordBytes = layout.Domain == ShareDomain.Ring64 ? sizeof(ulong) : (layout.ShareBits / 8) + 1;
        var header = IsNpy ? NpyHeader.Encode(NpyDtype.UInt64, layout.Rows, layout.Columns) : [];
        dataOffset = header.Length;
        temporary = MatrixFileAccess.TemporaryBeside(path);
        temporary = partial ?? temporary;
        var length = dataOffset + ((long)layout.Rows * layout.Columns * recordBytes);
        Guard(() =>
        {
            handle = resume ? File.OpenHandle(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None) : CreateOwnerOnly(temporary, replace: partial is not null);
            if (resume)
            {
                var found = RandomAccess.GetLength(handle);
                var start = new byte[header.Length];
                if (found != length || RandomAccess.Read(handle, start, 0) != start.Length || !start.AsSpan().SequenceEqual(header))
                {
                    Close();
                    temporary = null;
                    throw new OutputFileException(path, $"the partial share {partial} is not the interrupted run's ({found} bytes, expected {length} for a {layout.Rows}x{layout.Columns} share)");
                }

                return;
            }

            RandomAccess.Write(handle, header, 0);
            RandomAccess.SetLength(handle, length);
        });
    }

    /// <summary>Flushes what was written to disk (a journal records a tile only after its band is on disk).</summary>
    public void FlushToDisk()
    {
        if (handle is not null)
        {
            Guard(() => RandomAccess.FlushToDisk(handle));
        }
    }

    /// <summary>Keeps what <see cref="Read"/> needs past <see cref="Finish"/>: a .csv's records until this file is disposed,
    /// a .npy to be opened again once in place (<see cref="OpenFinished"/>), so a delivery can read the share back.</summary>
    public void ReadAfterFinish() => readAfterFinish = true;

    /// <summary>After the commit: the finished share readable again (<see cref="ReadAfterFinish"/> came before the finish).</summary>
    public void OpenFinished()
    {
        if (!readAfterFinish || layout is null)
        {
            throw new InvalidOperationException("the share file was not kept readable after its finish");
        }

        if (IsNpy)
        {
            Guard(() => handle ??= File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read));
        }
    }

    /// <summary>Closes the file and keeps it where it is (the partial share of a run its journal can resume).</summary>
    public void Keep()
    {
        Close();
        temporary = null;
    }

    /// <summary>Writes each row of the region at its offset.</summary>
    public void Write(ShareRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var shape = layout ?? throw new InvalidOperationException("the share file is not open");
        if (region.Rows < 1 || region.Columns < 1 || region.FirstRow < 0 || region.FirstColumn < 0 || region.Values.Length != (long)region.Rows * region.Columns
            || (long)region.FirstRow + region.Rows > shape.Rows || (long)region.FirstColumn + region.Columns > shape.Columns)
        {
            throw new InvalidOperationException($"a share region does not fit the {shape.Rows}x{shape.Columns} share");
        }

        var buffer = new byte[region.Columns * recordBytes];
        for (var r = 0; r < region.Rows; r++)
        {
            for (var c = 0; c < region.Columns; c++)
            {
                Encode(region.Values[(r * region.Columns) + c], buffer.AsSpan(c * recordBytes, recordBytes));
            }

            var offset = dataOffset + ((((long)(region.FirstRow + r) * shape.Columns) + region.FirstColumn) * recordBytes);
            Guard(() => RandomAccess.Write(handle!, buffer, offset));
        }
    }

    /// <summary>Reads entries [first, first + count) back from their records.</summary>
    public BigInteger[] Read(long first, int count)
    {
        var shape = Layout;
        if (first < 0 || count < 0 || first + count > (long)shape.Rows * shape.Columns)
        {
            throw new InvalidOperationException($"entries [{first}, {first + count}) are outside the {shape.Rows}x{shape.Columns} share");
        }

        var bytes = new byte[count * recordBytes];
        Guard(() =>
        {
            for (var read = 0; read < bytes.Length;)
            {
                var got = RandomAccess.Read(handle!, bytes.AsSpan(read), dataOffset + (first * recordBytes) + read);
                read += got > 0 ? got : throw new OutputFileException(path, "its temporary file is shorter than the share");
            }
        });
        var values = new BigInteger[count];
        for (var i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(i * recordBytes, recordBytes);
            values[i] = shape.Domain == ShareDomain.Ring64 ? BinaryPrimitives.ReadUInt64LittleEndian(record) : new BigInteger(record, isUnsigned: false, isBigEndian: false);
        }

        return values;
    }

    /// <summary>
    /// The file complete, flushed and handed to the current <see cref="MatrixFileAccess.Prepare"/> group under its
    /// temporary name: the .npy itself, or the .csv converted from the records (the records are then deleted).
    /// </summary>
    public void Finish()
    {
        var shape = layout ?? throw new InvalidOperationException("the share file is not open");

        // The directory or the file may have been removed while the run wrote through its open handle: that must
        // fail now, before this party confirms, not at the rename after both confirmed.
        MatrixFileAccess.TemporaryBeside(path);
        if (!File.Exists(temporary))
        {
            throw new OutputFileException(path, "its temporary file was removed while the run wrote it");
        }

        if (IsNpy)
        {
            Guard(() => RandomAccess.FlushToDisk(handle!));
            Close();
            MatrixFileAccess.Place(temporary!, path);
            temporary = null;
            return;
        }

        MatrixFileAccess.WriteAtomically(path, stream =>
        {
            using var writer = CsvMatrixWriter.Open(stream);
            var ring = new ulong[shape.Columns];
            for (var row = 0; row < shape.Rows; row++)
            {
                var values = Read((long)row * shape.Columns, shape.Columns);
                if (shape.Domain == ShareDomain.Ring64)
                {
                    for (var c = 0; c < shape.Columns; c++)
                    {
                        ring[c] = (ulong)values[c];
                    }

                    CsvMatrixWriter.WriteRow<ulong>(writer, ring);
                }
                else
                {
                    CsvMatrixWriter.WriteRow<BigInteger>(writer, values);
                }
            }
        });
        if (!readAfterFinish)
        {
            Dispose();
        }
    }

    /// <summary>Deletes what was not handed on (a run that did not reach its prepare step).</summary>
    public void Dispose()
    {
        Close();
        if (temporary is not null)
        {
            MatrixFileAccess.DeleteQuietly(temporary);
            temporary = null;
        }
    }

    /// <summary>A new file of mode 0600 (it holds a share), created so from the start: never readable by others, not even for an instant.</summary>
    private static SafeFileHandle CreateOwnerOnly(string path, bool replace)
    {
        if (replace)
        {
            File.Delete(path); // a mode applies only to a file created now
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        new FileStream(path, options).Dispose();
        return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
    }

    private void Close()
    {
        handle?.Dispose();
        handle = null;
    }

    private void Encode(BigInteger value, Span<byte> record)
    {
        if (layout!.Domain == ShareDomain.Ring64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)value);
            return;
        }

        if (!value.TryWriteBytes(record, out var written, isUnsigned: false, isBigEndian: false))
        {
            throw new InvalidOperationException($"a share value of {value.GetBitLength()} bits is wider than the session's {layout.ShareBits}-bit bound");
        }

        record[written..].Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
    }

    private void Guard(Action io)
    {
        try
        {
            io();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw MatrixFileAccess.Failure(e, temporary ?? path, path);
        }
    }
}
