using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace Duet.Host.Commands;

/// <summary>
/// Akka's own log events, one line each, in a log file (created on the first event) or, with <c>--verbose</c>, on
/// stderr; never on stdout, which carries only a command's result, and never between the user's <c>duet:</c> lines.
/// </summary>
internal sealed class AkkaLog : ReceiveActor
{
    /// <summary>Where the logger writes: a file path, or <see cref="ToStderr"/>.</summary>
    public const string TargetKey = "duet.host.akka-log";

    private const string ToStderr = "-";

    public AkkaLog()
    {
        var target = Context.System.Settings.Config.GetString(TargetKey, ToStderr);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(log =>
        {
            var line = $"{log.Timestamp:O} [{log.LogLevel().ToString().Replace("Level", string.Empty, StringComparison.Ordinal).ToLowerInvariant()}] {log.LogSource}: {log.Message}".ReplaceLineEndings(" ");
            if (target == ToStderr)
            {
                Console.Error.WriteLine($"[akka] {line}");
            }
            else
            {
                try
                {
                    File.AppendAllText(target, line + Environment.NewLine);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // A log that cannot be written must not end the run; the user's duet: lines still say what failed.
                }
            }
        });
    }

    /// <summary>The default log file of a run: in the temporary directory, named by the party and the process.</summary>
    public static string DefaultFile(string party) =>
        Path.Combine(Path.GetTempPath(), $"duet-{new string([.. party.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')])}-{Environment.ProcessId}.log");

    /// <summary>The host's logging settings (to <paramref name="file"/>, or to stderr when it is null), in front of
    /// whatever else a party is configured with.</summary>
    public static Config Configuration(string? file) => ConfigurationFactory.ParseString($$"""
        akka.loggers = ["{{typeof(AkkaLog).AssemblyQualifiedName}}"]
        akka.stdout-loglevel = OFF
        {{TargetKey}} = "{{(file ?? ToStderr).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}}"
        """);
}
