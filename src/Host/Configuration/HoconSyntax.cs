namespace Duet.Host.Configuration;

/// <summary>
/// A strict check of the HOCON structure a configuration file may use, made before Akka's parser, which accepts an
/// unclosed <c>{</c>, a key without a value and plain garbage without a word. Every field is a key (unquoted words or
/// quoted strings joined by dots) followed by <c>=</c>, <c>:</c>, <c>+=</c> or an object; every value is a simple
/// value (text, numbers, quoted strings, substitutions) or an object or array; every bracket closes. It builds
/// nothing and never recurses, so no input can hang it or overflow its stack.
/// </summary>
internal sealed class HoconSyntax
{
    // Characters HOCON forbids in unquoted text.
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string text;
    private readonly Stack<(char Bracket, int Line)> open = new();
    private int position;
    private int line = 1;

    private HoconSyntax(string text) => this.text = text;

    /// <summary>The first problem as "line N: what is wrong", or null when the structure is sound.</summary>
    public static string? Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            new HoconSyntax(text).Run();
            return null;
        }
        catch (SyntaxException problem)
        {
            return problem.Message;
        }
    }

    private bool AtEnd => position >= text.Length;

    private char Current => text[position];

    private void Run()
    {
        SkipBlank(newlines: true);
        if (!AtEnd && Current == '{')
        {
            Open('{');
        }

        while (true)
        {
            SkipBlank(newlines: true, commas: true);
            if (AtEnd)
            {
                break;
            }

            var inArray = open.Count > 0 && open.Peek().Bracket == '[';
            if (Current is '}' or ']')
            {
                Close(Current);
            }
            else if (inArray)
            {
                Value();
            }
            else
            {
                Field();
            }
        }

        if (open.Count > 0)
        {
            var (bracket, at) = open.Peek();
            throw Problem($"this '{bracket}' is never closed", at);
        }
    }

    private void Field()
    {
        var key = Key();
        SkipBlank(newlines: false);
        if (!AtEnd && Current == '{')
        {
            Open('{');
            return;
        }

        if (!AtEnd && (Current is '=' or ':' || (Current == '+' && Next() == '=')))
        {
            position += Current == '+' ? 2 : 1;
            SkipBlank(newlines: true);
            Value();
            return;
        }

        if (key == "include")
        {
            SkipToLineEnd(); // Akka's parser refuses it with its own message
            return;
        }

        throw Problem(AtEnd || Current == '\n'
            ? $"the key '{key}' has no value (expected '=', ':' or '{{' after it)"
            : $"expected '=', ':' or '{{' after the key '{key}', found '{Current}'");
    }

    private string Key()
    {
        var start = position;
        while (!AtEnd)
        {
            if (Current == '"')
            {
                QuotedString();
            }
            else if (Current == '.' || IsUnquoted(Current))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        return position > start
            ? text[start..position]
            : throw Problem($"expected a key, found '{Current}'");
    }

    /// <summary>One value: an object or array (opened here, closed by the main loop) or simple values up to the
    /// end of the line, a comma or a closing bracket.</summary>
    private void Value()
    {
        var any = false;
        while (!AtEnd)
        {
            var c = Current;
            if (c is '\n' or ',' or '}' or ']' || IsComment())
            {
                break;
            }

            if (c is '{' or '[')
            {
                Open(c);
                return;
            }

            any = true;
            if (c == '"')
            {
                QuotedString();
            }
            else if (c == '$')
            {
                Substitution();
            }
            else if (c is ' ' or '\t' or '\r' || !Forbidden.Contains(c, StringComparison.Ordinal))
            {
                position++;
            }
            else
            {
                throw Problem($"'{c}' cannot appear unquoted in a value (quote the value)");
            }
        }

        if (!any)
        {
            throw Problem("a value is missing");
        }
    }

    private void QuotedString()
    {
        if (text.AsSpan(position).StartsWith("\"\"\""))
        {
            var end = text.IndexOf("\"\"\"", position + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                throw Problem("a \"\"\" string is never closed");
            }

            Advance(end + 3);
            while (!AtEnd && Current == '"')
            {
                position++; // HOCON lets a triple-quoted string end in more quotes
            }

            return;
        }

        position++;
        while (!AtEnd && Current is not ('"' or '\n'))
        {
            position += Current == '\\' && position + 1 < text.Length && text[position + 1] != '\n' ? 2 : 1;
        }

        if (AtEnd || Current != '"')
        {
            throw Problem("a quoted string is not closed on its line");
        }

        position++;
    }

    private void Substitution()
    {
        if (Next() != '{')
        {
            throw Problem("'$' starts no substitution (write ${path}, or quote the value)");
        }

        var end = text.IndexOfAny(['}', '\n'], position);
        if (end < 0 || text[end] != '}')
        {
            throw Problem("a substitution ${...} is not closed on its line");
        }

        position = end + 1;
    }

    private void Open(char bracket)
    {
        if (open.Count >= HoconGuard.MaxDepth)
        {
            throw Problem($"nesting deeper than {HoconGuard.MaxDepth}");
        }

        open.Push((bracket, line));
        position++;
    }

    private void Close(char bracket)
    {
        var expected = bracket == '}' ? '{' : '[';
        if (open.Count == 0 || open.Peek().Bracket != expected)
        {
            throw Problem(open.Count == 0
                ? $"'{bracket}' closes nothing"
                : $"'{bracket}' closes the '{open.Peek().Bracket}' opened on line {open.Peek().Line}");
        }

        open.Pop();
        position++;
    }

    private void SkipBlank(bool newlines, bool commas = false)
    {
        while (!AtEnd)
        {
            var c = Current;
            if (c is ' ' or '\t' or '\r' or '\uFEFF' || (newlines && c == '\n') || (commas && c == ','))
            {
                Advance(position + 1);
            }
            else if (IsComment())
            {
                SkipToLineEnd();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipToLineEnd()
    {
        var end = text.IndexOf('\n', position);
        position = end < 0 ? text.Length : end;
    }

    private bool IsComment() => Current == '#' || (Current == '/' && Next() == '/');

    private char Next() => position + 1 < text.Length ? text[position + 1] : '\0';

    /// <summary>Moves to <paramref name="to"/>, counting the lines passed.</summary>
    private void Advance(int to)
    {
        for (; position < to; position++)
        {
            if (text[position] == '\n')
            {
                line++;
            }
        }
    }

    private static bool IsUnquoted(char c) => !char.IsWhiteSpace(c) && !Forbidden.Contains(c, StringComparison.Ordinal) && c != '.';

    private SyntaxException Problem(string what, int? at = null) => new($"line {at ?? line}: {what}");

    private sealed class SyntaxException(string message) : Exception(message);
}
