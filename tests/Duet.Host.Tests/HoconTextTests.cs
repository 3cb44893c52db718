using Duet.Host.Commands;

namespace Duet.Host.Tests;

/// <summary>Regressions of the HOCON fuzz target (tests/Duet.Fuzz): text on which Akka's parser loops forever while
/// allocating, or recurses until the process dies of a stack overflow, is refused before it reaches the parser.</summary>
public class HoconTextTests
{
    [Theory]
    [InlineData("a = [1, }")]
    [InlineData("duet { party { side = [ }")]
    [InlineData("a = [ : ]")]
    [InlineData("a = [ = ]")]
    [InlineData("a = [ $ ]")]
    [InlineData("a = [ ! ]")]
    [InlineData("a = [ \\ ]")]
    [InlineData("a = [ @ ]")]
    [InlineData("a = [#")]
    [InlineData("a = [1 2 `")]
    [InlineData("a = [ { { } }")]
    [InlineData("a = [ { [ } }")]
    [InlineData("x.\"\"\"\"\"bit\"\"\"\"\"\"\".re{ side = ri[hmd ire eal = 1 }")] // found by afl: quotes in a key are never triple
    public void A_character_that_starts_no_value_inside_an_array_is_refused_before_parsing(string text)
    {
        var error = Assert.Throws<UsageException>(() => HoconText.Parse(text, "test.hocon"));
        Assert.Contains("inside an array", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a = ", "[", 100_000)]
    [InlineData("", "a{", 100_000)]
    [InlineData("", "a.", 100_000)]
    [InlineData("a = ", "[{b = ", 50_000)]
    public void Nesting_that_would_overflow_the_parser_stack_is_refused(string prefix, string repeated, int times)
    {
        var text = prefix + string.Concat(Enumerable.Repeat(repeated, times)) + "1";
        var error = Assert.Throws<UsageException>(() => HoconText.Parse(text, "test.hocon"));
        Assert.Contains($"nesting deeper than {HoconGuard.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a = [1, 2, 3]", "a", "[1,2,3]")]
    [InlineData("a = [ # a comment ]\n  1, // another }\n 2 ]", "a", "[1,2]")]
    [InlineData("a = [\"}:=\", \"\"\"]!\"\"\", {b = \"]\"}]", "a", "[}:=,]!,{b : ]}]")]
    [InlineData("b = 5\na = [${b}, ${b}]", "a", "[5,5]")]
    [InlineData("a.b.c.d.e.f.g = \"127.0.0.1:25520\"", "a.b.c.d.e.f.g", "127.0.0.1:25520")]
    [InlineData("a = [#]", "a", "[]")]
    public void Valid_text_still_parses(string text, string path, string expected)
    {
        var config = HoconText.Parse(text, "test.hocon");
        var value = config.GetValue(path);
        var actual = value.IsArray() ? $"[{string.Join(",", value.GetArray().Select(v => v.IsObject() ? "{b : " + v.GetObject().GetKey("b").GetString() + "}" : v.GetString()))}]" : value.GetString();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("a = ${a}", "${a}")]
    [InlineData("a = ${b}\nb = [1, ${a}]", "refers back")]
    [InlineData("a { b = ${a} }", "${a} refers back")]
    public void A_substitution_that_refers_back_to_itself_is_refused(string text, string expected)
    {
        // Reading such a value recurses until the stack overflows, which no catch can stop.
        var error = Assert.Throws<UsageException>(() => HoconText.Parse(text, "test.hocon"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_include_is_a_usage_error_not_a_null_dereference()
    {
        var error = Assert.Throws<UsageException>(() => HoconText.Parse("include \"other.conf\"\na = 1", "test.hocon"));
        Assert.Contains("include \"other.conf\" is not supported", error.Message, StringComparison.Ordinal);
        Assert.IsNotType<NullReferenceException>(error.InnerException);
    }

    [Fact]
    public void A_setting_of_the_wrong_type_is_a_usage_error()
    {
        var config = HoconText.Parse("duet.flow.window = many", "test.hocon");
        var error = Assert.Throws<UsageException>(() => HoconText.Settings(config, "test.hocon"));
        Assert.StartsWith("test.hocon: ", error.Message, StringComparison.Ordinal);
    }
}
