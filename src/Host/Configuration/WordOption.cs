using System.CommandLine;
using Duet.Actors;

namespace Duet.Host.Configuration;

/// <summary>Options that take one word of an enum (<c>--share ring64</c>, <c>--reveal left</c>): the same words as
/// the HOCON keys, read by the runtime's one parser; absent means the value of duet.conf (or of the config file).</summary>
internal static class WordOption
{
    public static Option<T?> Create<T>(string name, string description)
        where T : struct, Enum
    {
        var words = PartySettings.Words<T>();
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = string.Join('|', words),
            CustomParser = result =>
            {
                try
                {
                    return PartySettings.ParseEnum<T>(result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty, name);
                }
                catch (ArgumentException error)
                {
                    result.AddError(error.Message);
                    return null;
                }
            },
        };
    }
}
