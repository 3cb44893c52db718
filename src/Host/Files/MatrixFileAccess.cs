using System.Security.Cryptography;

namespace Duet.Host.Files;

/// <summary>Opening input files and replacing output files, with every failure as a one-line file error.</summary>
internal static class MatrixFileAccess
{
    private const int BufferSize = 1 << 16;

    // The files of the current WriteTogether group: written and flushed, renamed only once every one of them is.
    [ThreadStatic]
    private static List<(string Temporary, string FullPath, string Path)>? group;

    /// <summary>
    /// Runs <paramref name="writeAll"/>, whose <see cref="WriteAtomically"/> calls then commit together: every file is
    /// written to its temporary name first, and only when all succeeded are they renamed into place; if any write
    /// fails, every temporary file is deleted and no output of the group appears.
    /// </summary>
    public static void WriteTogether(Action writeAll)
    {
        using var prepared = Prepare(writeAll);
        prepared.Commit();
    }

    /// <summary>
    /// The first phase of <see cref="WriteTogether"/>: every file of <paramref name="writeAll"/> written and flushed under
    /// its temporary name. <see cref="PreparedOutputs.Commit"/> renames them into place; disposing without a commit
    /// deletes them. If any write fails, the ones written are deleted and the failure is thrown.
    /// </summary>
    public static PreparedOutputs Prepare(Action writeAll)
    {
        ArgumentNullException.ThrowIfNull(writeAll);
        if (group is not null)
        {
            throw new InvalidOperationException("output groups do not nest");
        }

        var files = group = [];
        try
        {
            writeAll();
        }
        catch
        {
            files.ForEach(f => DeleteQuietly(f.Temporary));
            throw;
        }
        finally
        {
            group = null;
        }

        return new PreparedOutputs(files);
    }

    /// <summary>Written files waiting under their temporary names to be renamed into place together.</summary>
    public sealed class PreparedOutputs : IDisposable
    {
        private readonly List<(string Temporary, string FullPath, string Path)> files;
        private int next;

        internal PreparedOutputs(List<(string Temporary, string FullPath, string Path)> files) => this.files = files;

        /// <summary>Renames every file into place; on a failure the rest are deleted.</summary>
        public void Commit()
        {
            for (; next < files.Count; next++)
            {
                try
                {
                    File.Move(files[next].Temporary, files[next].FullPath, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    var failed = files[next];
                    Dispose();
                    throw Failure(e, failed.Temporary, failed.Path);
                }
            }
        }

        /// <summary>Deletes the files not yet renamed.</summary>
        public void Dispose()
        {
            for (; next < files.Count; next++)
            {
                DeleteQuietly(files[next].Temporary);
            }
        }
    }

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
    /// file at <paramref name="path"/> is left as it was. With <paramref name="ownerOnly"/> the file is created with
    /// mode 0600, so a secret is never readable by others, not even for an instant.
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write, bool ownerOnly = false)
    {
        var temporary = TemporaryBeside(path);
        var renamed = false;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = BufferSize };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            Place(temporary, path);
            renamed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e, temporary, path);
        }
        finally
        {
            if (!renamed)
            {
                DeleteQuietly(temporary);
            }
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/> (<c>name.tmp-random</c>), after checking that the
    /// output's directory exists and that the path is not a directory.</summary>
    public static string TemporaryBeside(string path)
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

        return $"{fullPath}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
    }

    /// <summary>Puts a written and flushed temporary file in place of <paramref name="path"/>: into the current
    /// <see cref="Prepare"/> group (renamed with the others), or renamed now.</summary>
    public static void Place(string temporary, string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (group is not null)
        {
            group.Add((temporary, fullPath, path));
            return;
        }

        File.Move(temporary, fullPath, overwrite: true);
    }

    /// <summary>A failed write of <paramref name="path"/> as the user's one-line error.</summary>
    public static OutputFileException Failure(Exception error, string temporary, string path) =>
        new(path, $"cannot write: {Reason(error, temporary, path)}", innerException: error);

    /// <summary>
    /// Creates and removes a file in <paramref name="directory"/>, the way an output will be written, so that a
    /// directory the process cannot write in is found before the work, not after it.
    /// </summary>
    public static void ProbeWritable(string directory, Func<string, Exception> failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var probe = Path.Combine(directory, $".duet-probe-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw failure(Reason(e, probe, directory));
        }
    }

    /// <summary>What went wrong, in the user's terms: never the name of a temporary file they did not ask for.</summary>
    private static string Reason(Exception error, string temporary, string path) =>
        error is UnauthorizedAccessException ? "permission denied" : error.Message.Replace(temporary, path, StringComparison.Ordinal);

    public static void DeleteQuietly(string path)
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
