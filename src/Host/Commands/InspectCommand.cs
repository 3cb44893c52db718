using System.CommandLine;
using Duet.Host.Files;

namespace Duet.Host.Commands;

/// <summary><c>duet inspect</c>: format, shape, type and range of a matrix or share file.</summary>
internal static class InspectCommand
{
    public static Command Create(CommandConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "A .csv or .npy matrix or share file." };
        var header = new Option<bool>("--header") { Description = "CSV only: the first line is a header." };
        var command = new Command("inspect", "Describe a matrix or share file.") { file, header };
        command.SetAction(parsed =>
        {
            console.Out.WriteLine(MatrixFiles.Inspect(parsed.GetValue(file)!, parsed.GetValue(header)));
            return ExitCodes.Success;
        });
        return command;
    }
}
