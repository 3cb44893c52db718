namespace Duet.Host.Commands;

/// <summary>
/// A structural check of HOCON text made before Akka's parser sees it, for the inputs that parser cannot survive
/// (found by fuzzing, tests/Duet.Fuzz): inside an array, a character that starts no value and does not end the array
/// (<c>a = [1 }</c>) makes it loop forever while allocating; nesting thousands deep (<c>[[[[…</c>, <c>a{a{…</c>,
/// <c>a.a.a…</c>) overflows its stack, which kills the process. It follows the parser's lexical rules: quoted and
/// triple-quoted text, <c>#</c> and <c>//</c> comments (not as the last characters, as the parser reads them),
/// <c>${…}</c> substitutions.
/// </summary>
internal static class HoconGuard
{
    /// <summary>Brackets, braces and path dots open at once; a configuration needs a handful.</summary>
    public const int MaxDepth = 64;

    /// <summary>Characters Akka's tokenizer ends unquoted text at.</summary>
    private const string NotInUnquotedText = "$\"{}[]:=,#`^?!@*&\\";

    /// <summary>The problem that would hang or crash the parser, or null when the text is safe to parse.</summary>
    public static string? Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = new Stack<char>();
        var dots = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsCommentStart(text, i))
            {
                i = SkipLine(text, i);
                continue;
            }

            if (c == '"')
            {
                i = SkipQuoted(text, i);
                continue;
            }

            if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                i = SkipSubstitution(text, i + 2);
                continue;
            }

            if (open.TryPeek(out var innermost) && innermost == '[' && c != ']' && c != ',' && !char.IsWhiteSpace(c)
                && c is not ('[' or '{') && NotInUnquotedText.Contains(c, StringComparison.Ordinal))
            {
                return $"'{c}' inside an array at offset {i} starts no value";
            }

            switch (c)
            {
                case '[' or '{':
                    open.Push(c);
                    break;
                case ']' when innermost == '[':
                case '}' when innermost == '{':
                    open.Pop();
                    break;
                case '.':
                    dots++;
                    break;
            }

            if (char.IsWhiteSpace(c) || c is '=' or ':' or ',' or '{' or '}' or '[' or ']')
            {
                dots = 0;
            }

            if (open.Count + dots > MaxDepth)
            {
                return $"nesting deeper than {MaxDepth} at offset {i}";
            }

            i++;
        }

        return null;
    }

    // The tokenizer's Matches(params string[]) skips a pattern that would end exactly at the end of the text.
    private static bool IsCommentStart(string text, int i) =>
        (text[i] == '#' && i + 1 < text.Length) || (text[i] == '/' && i + 2 < text.Length && text[i + 1] == '/');

    private static int SkipLine(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end + 1;
    }

    private static int SkipQuoted(string text, int i)
    {
        if (string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 3;
        }

        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i + 1;
            }
        }

        return text.Length;
    }

    /// <summary>As the tokenizer reads <c>${path}</c>: unquoted text, then one character (normally the brace).</summary>
    private static int SkipSubstitution(string text, int i)
    {
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && !NotInUnquotedText.Contains(text[i], StringComparison.Ordinal) && !IsCommentStart(text, i))
        {
            i++;
        }

        return Math.Min(i + 1, text.Length);
    }
}
