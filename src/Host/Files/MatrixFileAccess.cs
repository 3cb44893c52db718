using System.Security.Cryptography;

namespace Duet.Host.Files;

/// <summary>Opening input files and replacing output files, with every failure as a one-line file error.</summary>
internal static class MatrixFileAccess
{
    private const int BufferSize = 1 << 16;

    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InputFileException(path, "is a directory, not a file");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputFileException(path, "file not found", innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, $"cannot read: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Writes a file completely or not at all: into <c>name.tmp-random</c> beside it, flushed to disk, then
    /// renamed over <paramref name="path"/>. On any failure the temporary file is deleted and an existing
    /// file at <paramref name="path"/> is left as it was. <paramref name="unixCreateMode"/>, when given, is the mode the
    /// temporary file is created with (never wider before the first byte is written); ignored on Windows.
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write, UnixFileMode? unixCreateMode = null)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new OutputFileException(path, $"directory '{directory}' does not exist");
        }

        if (Directory.Exists(fullPath))
        {
            throw new OutputFileException(path, "is a directory, not a file");
        }

        var temporary = $"{fullPath}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var renamed = false;
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = BufferSize,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = unixCreateMode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
            renamed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException(path, $"cannot write: {e.Message}", innerException: e);
        }
        finally
        {
            if (!renamed)
            {
                DeleteQuietly(temporary);
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting.
        }
    }
}
