using Duet.Crypto;
using System.CommandLine;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;
using Duet.Host.Commands;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host;

/// <summary>The process exit codes of <c>duet</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A run that failed: peer lost, timeout, validation abort, an output that could not be written.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: a missing or malformed file, a value over its bound, a bad option, a peer that does not match.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}

/// <summary>The <c>duet</c> command line: parses, runs one command, and turns every failure into one line and an exit code.</summary>
internal static class Cli
{
    public static int Run(string[] args)
    {
        using var interrupts = new Interrupts();
        return Run(args, Console.Out, Console.Error, interrupts);
    }

    /// <summary>Runs one command with its output on the given writers; returns the exit code.</summary>
    /// <param name="interrupts">The process's Ctrl-C and SIGTERM, which cancel the command; null in tests.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Interrupts? interrupts = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var console = new CommandConsole(stdout, stderr, live);
        var root = CreateRootCommand(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"duet: {DescribeParseError(parsed)}");
            return ExitCodes.BadInput;
        }

        try
        {
            // Our own signal handling (Interrupts), not System.CommandLine's, which would exit before the peer is told.
            var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return parsed.InvokeAsync(configuration, interrupts?.Token ?? CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception error) when (interrupts?.Signal is { } signal)
        {
            _ = error;
            stderr.WriteLine($"duet: interrupted by {signal.Name}: the session was aborted (a peer that had called is told at once); nothing was written");
            return signal.Code;
        }
        catch (Exception error)
        {
            var (code, message) = Describe(error);
            var log = console.LogFile is { } file && File.Exists(file) ? $" (Akka's log: {file})" : string.Empty;
            stderr.WriteLine($"duet: {OneLine(message)}{log}");
            return code;
        }
    }

    public static RootCommand CreateRootCommand(CommandConsole console) =>
        new("duet: two parties multiply their private matrices with Paillier encryption; each ends with an additive share of the product.")
        {
            DemoCommand.Create(console),
            PartyCommand.Create(console),
            CollectCommand.Create(console),
            DeliverCommand.Create(console),
            NodeCommand.Create(console),
            KeygenCommand.Create(console),
            CertsCommand.Create(console),
            RevealCommand.Create(console),
            InspectCommand.Create(console),
        };

    /// <summary>The exit code and the one-line message of a failure.</summary>
    internal static (int Code, string Message) Describe(Exception error)
    {
        while (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            error = aggregate.InnerExceptions[0];
        }

        return error switch
        {
            SessionAbortedException { Reason: AbortReason.Cancelled, RaisedByPeer: true } => (ExitCodes.Failure, "the peer cancelled the session (its operator stopped it); nothing was written"),
            SessionAbortedException aborted => (
                aborted.Reason is AbortReason.Incompatible or AbortReason.RoleConflict or AbortReason.FastKeyRefused or AbortReason.ResumeMismatch ? ExitCodes.BadInput : ExitCodes.Failure,
                $"session aborted ({Units.Words(aborted.Reason)}{(aborted.RaisedByPeer ? ", reported by the peer" : string.Empty)}): {aborted.Message}"),
            LinkRefusedException or DeliveryFailedException => (ExitCodes.Failure, error.Message),
            UsageException or InputFileException or EncodingException => (ExitCodes.BadInput, error.Message),
            InvalidKeyException key => (ExitCodes.BadInput, $"invalid key: {key.Message}"),
            ArgumentException => (ExitCodes.BadInput, error.Message),
            OutputFileException => (ExitCodes.Failure, error.Message),
            OperationCanceledException => (ExitCodes.Failure, "cancelled"),
            IOException or UnauthorizedAccessException => (ExitCodes.Failure, error.Message),
            _ => (ExitCodes.Failure, $"internal error ({error.GetType().Name}): {error.Message}"),
        };
    }

    /// <summary>The first parse error as one line; a misspelt command or option named with the nearest one that exists.</summary>
    internal static string DescribeParseError(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = command is RootCommand ? "duet" : $"duet {command.Name}";
        var unknown = parsed.UnmatchedTokens.FirstOrDefault();
        if (command is RootCommand && unknown is null)
        {
            return $"no command given: one of {string.Join(", ", command.Subcommands.Select(c => c.Name))} (see 'duet --help')";
        }

        if (command is RootCommand && !unknown!.StartsWith('-'))
        {
            return NearestWord.Close(unknown, command.Subcommands.Select(c => c.Name)) is { } nearest
                ? $"unknown command '{unknown}'; did you mean '{nearest}'?"
                : $"unknown command '{unknown}' (see 'duet --help')";
        }

        if (unknown is not null && unknown.StartsWith('-'))
        {
            var name = unknown.Split('=', ':')[0];
            var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-'));
            return NearestWord.Close(name, names) is { } nearest
                ? $"unknown option '{name}' for '{path}'; did you mean '{nearest}'?"
                : $"unknown option '{name}' for '{path}' (see '{path} --help')";
        }

        return $"{OneLine(parsed.Errors[0].Message)} (see '{path} --help')";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
