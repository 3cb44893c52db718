namespace Duet.Host;

internal static class Cli
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("duet: no command yet");
        return args.Length == 0 ? 2 : 2;
    }
}
