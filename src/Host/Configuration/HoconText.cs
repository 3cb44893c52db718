using Akka.Configuration;
using Akka.Configuration.Hocon;
using Duet.Actors;

namespace Duet.Host.Configuration;

/// <summary>The text of a configuration file parsed by Akka's HOCON parser, with its failures made one typed error.</summary>
internal static class HoconText
{
    private static readonly TimeSpan ParseLimit = TimeSpan.FromSeconds(5);

    /// <summary>Parses HOCON text.</summary>
    /// <param name="source">Names the text in messages, e.g. "--config party.hocon".</param>
    /// <exception cref="UsageException">The text is not valid HOCON.</exception>
    public static Config Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (HoconGuard.Check(text) is { } problem)
        {
            throw new UsageException($"{source}: not valid HOCON: {problem}");
        }

        if (HoconSyntax.Check(text) is { } mistake)
        {
            throw new UsageException($"{source}: not valid HOCON: {mistake}");
        }

        // A backstop for anything the guard misses: a configuration is small, so a parse that takes seconds is stuck.
        var parsing = Task.Run(() => ConfigurationFactory.ParseString(text, NoInclude));
        bool finished;
        try
        {
            finished = parsing.Wait(ParseLimit);
        }
        catch (AggregateException error)
        {
            var cause = error.InnerException ?? error;
            throw new UsageException($"{source}: not valid HOCON: {cause.Message}", cause);
        }

        if (!finished)
        {
            throw new UsageException($"{source}: not valid HOCON: the parser did not finish");
        }

        return HoconCycles.Find(parsing.Result) is { } path
            ? throw new UsageException($"{source}: not valid HOCON: the substitution ${{{path}}} refers back to itself")
            : parsing.Result;
    }

    /// <summary>Akka calls a missing include callback (a null dereference); a configuration is one file.</summary>
    private static HoconRoot NoInclude(string name) =>
        throw new ConfigurationException($"include \"{name}\" is not supported: put everything in one file");

    /// <summary>The <c>duet</c> settings of a parsed configuration.</summary>
    /// <exception cref="UsageException">A setting is not of its type (a number, a duration, a size, a word), naming the key.</exception>
    public static PartySettings Settings(Config config, string source)
    {
        try
        {
            return PartySettings.FromConfig(config);
        }
        catch (Exception error)
        {
            throw new UsageException($"{source}: {error.Message}", error);
        }
    }
}
