using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace Duet.Host.Commands;

/// <summary>
/// Akka's log events on stderr, one line each, so that stdout carries only a command's results (Akka's own
/// loggers write to stdout).
/// </summary>
internal sealed class StderrLogger : ReceiveActor
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(log => Console.Error.WriteLine(
            $"[akka {log.LogLevel().ToString().Replace("Level", string.Empty, StringComparison.Ordinal).ToLowerInvariant()}] {log.LogSource}: {log.Message}".ReplaceLineEndings(" ")));
    }

    /// <summary>The host's logging settings, in front of whatever else a party is configured with.</summary>
    public static Config Configuration { get; } = ConfigurationFactory.ParseString($$"""
        akka.loggers = ["{{typeof(StderrLogger).AssemblyQualifiedName}}"]
        akka.stdout-loglevel = OFF
        """);
}
