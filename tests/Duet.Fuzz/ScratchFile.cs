namespace Duet.Fuzz;

/// <summary>The file readers take paths: each input is written to one file per extension in a directory of this
/// process (in memory under /dev/shm when there is one), removed when the process exits.</summary>
internal static class ScratchFile
{
    private static readonly Lazy<string> Directory = new(Create);

    public static string Write(byte[] bytes, string extension)
    {
        var path = Path.Combine(Directory.Value, "input" + extension);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Create()
    {
        var root = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(root, $"duet-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(directory, recursive: true);
        return directory;
    }
}
