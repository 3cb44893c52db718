using System.Globalization;
using System.Numerics;
using System.Text;

namespace Duet.Host.Files;

/// <summary>
/// Parses the Python literals that a .npy header is made of: dicts, tuples, lists, strings, integers,
/// True, False and None. Tuples and lists become <see cref="IReadOnlyList{T}"/>, dicts
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> with string keys, integers <see cref="BigInteger"/>.
/// </summary>
internal sealed class PythonLiteral
{
    // Headers nest two levels; the limit keeps hostile input from exhausting the stack.
    private const int MaxDepth = 16;

    private readonly string text;
    private int position;
    private int depth;

    private PythonLiteral(string text) => this.text = text;

    /// <exception cref="FormatException">The text is not one literal of that subset.</exception>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        var value = parser.Value();
        parser.SkipSpace();
        if (parser.position != text.Length)
        {
            throw parser.Error("unexpected text after the literal");
        }

        return value;
    }

    private object? Value()
    {
        SkipSpace();
        if (position == text.Length)
        {
            throw Error("unexpected end");
        }

        if (++depth > MaxDepth)
        {
            throw Error("nested too deeply");
        }

        var c = text[position];
        var value = c switch
        {
            '{' => Dict(),
            '(' => Sequence(')', isTuple: true),
            '[' => Sequence(']', isTuple: false),
            '\'' or '"' => String(c),
            '+' or '-' or (>= '0' and <= '9') => Integer(),
            _ when char.IsAsciiLetter(c) => Name(),
            _ => throw Error($"unexpected '{c}'"),
        };
        depth--;
        return value;
    }

    private Dictionary<string, object?> Dict()
    {
        position++;
        var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (!TryConsume('}'))
        {
            if (Value() is not string key)
            {
                throw Error("dict key is not a string");
            }

            Expect(':');
            entries[key] = Value();
            if (!TryConsume(','))
            {
                Expect('}');
                break;
            }
        }

        return entries;
    }

    private List<object?> Sequence(char close, bool isTuple)
    {
        position++;
        var items = new List<object?>();
        var sawComma = false;
        while (!TryConsume(close))
        {
            items.Add(Value());
            sawComma = TryConsume(',');
            if (!sawComma)
            {
                Expect(close);
                break;
            }
        }

        // "(3)" is the integer 3 in Python, not a tuple; a tuple of one needs its comma.
        if (isTuple && items.Count == 1 && !sawComma)
        {
            throw Error("parenthesised value is not a tuple");
        }

        return items;
    }

    private string String(char quote)
    {
        position++;
        var value = new StringBuilder();
        while (position < text.Length && text[position] != quote)
        {
            var c = text[position++];
            if (c == '\\' && position < text.Length)
            {
                var escaped = text[position++];
                value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => escaped });
            }
            else
            {
                value.Append(c);
            }
        }

        if (position == text.Length)
        {
            throw Error("unterminated string");
        }

        position++;
        return value.ToString();
    }

    private BigInteger Integer()
    {
        var start = position;
        if (text[position] is '+' or '-')
        {
            position++;
        }

        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        var digits = text.AsSpan(start, position - start);

        // Headers written by Python 2 spell long integers with a trailing L: (2L, 3L).
        if (position < text.Length && text[position] is 'L' or 'l')
        {
            position++;
        }

        return BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error("malformed integer");
    }

    private object? Name()
    {
        var start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        return text[start..position] switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            var name => throw Error($"unexpected name '{name}'"),
        };
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private bool TryConsume(char c)
    {
        SkipSpace();
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private FormatException Error(string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{problem} at character {position + 1}"));
}
