using Duet.Host.Commands;
using Duet.Host.Files;
using Xunit;

namespace Duet.Host.Tests;

/// <summary>A private key file is created 0600, and a party warns when its key file is readable by others.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyFileModeTests : IDisposable
{
    private readonly FilesTestDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Key_file_is_owner_only_from_its_creation()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = directory.File("key.json");
        UnixFileMode? atCreation = null;
        MatrixFileAccess.WriteAtomically(
            path,
            stream =>
            {
                // Before the first byte: the mode the file was created with.
                atCreation = File.GetUnixFileMode(((FileStream)stream).SafeFileHandle);
                stream.WriteByte(1);
            },
            ownerOnly: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, atCreation);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherRead)]
    public void Party_warns_about_a_key_file_others_can_read(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = directory.WriteText("key.json", "{}");
        File.SetUnixFileMode(path, mode);
        var warnings = new StringWriter();

        PartyCommand.WarnIfShared(path, warnings);

        var line = Assert.Single(warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("duet: warning: --key " + path, line, StringComparison.Ordinal);
        Assert.Contains("readable by its group or others", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Party_is_quiet_about_an_owner_only_key_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = directory.WriteText("key.json", "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var warnings = new StringWriter();

        PartyCommand.WarnIfShared(path, warnings);

        Assert.Empty(warnings.ToString());
    }
}
