using Akka.Configuration.Hocon;

namespace Duet.Host.Configuration;

/// <summary>
/// A dry run of Akka's HOCON parser (Akka.Configuration.Hocon.Parser, 1.5) over its own public tokenizer, made before
/// the real parse for the inputs that parser cannot survive (found by fuzzing, tests/Duet.Fuzz):
/// <list type="bullet">
/// <item>inside an array, a token that is neither a value, a comma nor the closing bracket (<c>a = [1, }</c>,
/// <c>a = [ { { } }</c>) makes its array loop spin forever, adding an empty element per turn;</item>
/// <item>nesting thousands deep (<c>[[[[…</c>, <c>a{a{…</c>, <c>a.a.a…</c>) overflows its stack, which kills the
/// process.</item>
/// </list>
/// The dry run follows the parser's calls token for token but builds nothing; where the parser would throw, the dry
/// run stops and leaves the error to the real parse.
/// </summary>
internal sealed class HoconGuard
{
    /// <summary>Objects, arrays and path segments open at once; a configuration needs a handful.</summary>
    public const int MaxDepth = 64;

    private readonly HoconTokenizer reader;
    private int depth;

    private HoconGuard(string text) => reader = new HoconTokenizer(text);

    /// <summary>The problem that would hang or crash the parser, or null when the text is safe to parse.</summary>
    public static string? Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var guard = new HoconGuard(text);
        try
        {
            guard.reader.PullWhitespaceAndComments();
            guard.ParseObject(root: true);
            return null;
        }
        catch (UnsafeHoconException unsafeText)
        {
            return unsafeText.Message;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The real parser fails at the same token, with its own message.
            return null;
        }
    }

    private void ParseObject(bool root)
    {
        using var level = Enter();
        while (!reader.EoF)
        {
            var token = reader.PullNext();
            if (token.Type == TokenType.Key)
            {
                ParseKeyContent();
                if (!root)
                {
                    return;
                }
            }
            else if (token.Type == TokenType.ObjectEnd)
            {
                return;
            }
        }
    }

    private void ParseKeyContent()
    {
        while (!reader.EoF)
        {
            switch (reader.PullNext().Type)
            {
                case TokenType.Dot:
                    ParseObject(root: false);
                    return;
                case TokenType.Assign:
                    ParseValue();
                    return;
                case TokenType.ObjectStart:
                    ParseObject(root: true);
                    return;
            }
        }
    }

    private void ParseValue()
    {
        if (reader.EoF)
        {
            return; // the parser throws: end of file while reading a value
        }

        reader.PullWhitespaceAndComments();
        while (IsValue())
        {
            var token = reader.PullValue();
            if (token.Type == TokenType.ObjectStart)
            {
                ParseObject(root: true);
            }
            else if (token.Type == TokenType.ArrayStart)
            {
                ParseArray();
            }

            if (reader.IsSpaceOrTab())
            {
                reader.PullSpaceOrTab();
            }
        }

        if (reader.IsComma())
        {
            reader.PullComma();
        }
    }

    private void ParseArray()
    {
        using var level = Enter();
        while (!reader.EoF && !reader.IsArrayEnd())
        {
            // ParseValue pulls the whitespace first; if what follows is no value and no comma, it consumes nothing, and
            // from the next turn on neither does anything else: the parser's loop never ends.
            reader.PullWhitespaceAndComments();
            if (!reader.EoF && !reader.IsArrayEnd() && !IsValue() && !reader.IsComma())
            {
                throw new UnsafeHoconException($"'{reader.Peek()}' inside an array starts no value (the parser would never finish)");
            }

            ParseValue();
            reader.PullWhitespaceAndComments();
        }

        reader.PullArrayEnd();
    }

    /// <summary>The tokenizer's internal IsValue, from its public tests (unquoted text is a simple value that is not whitespace).</summary>
    private bool IsValue() =>
        reader.IsArrayStart() || reader.IsObjectStart() || reader.IsStartOfTripleQuotedText() || reader.IsSubstitutionStart()
        || reader.IsStartOfQuotedText() || (reader.IsStartSimpleValue() && !reader.IsWhitespace());

    private Level Enter()
    {
        if (++depth > MaxDepth)
        {
            throw new UnsafeHoconException($"nesting deeper than {MaxDepth} (the parser would overflow its stack)");
        }

        return new Level(this);
    }

    private readonly struct Level(HoconGuard guard) : IDisposable
    {
        public void Dispose() => guard.depth--;
    }

    private sealed class UnsafeHoconException(string message) : Exception(message);
}
