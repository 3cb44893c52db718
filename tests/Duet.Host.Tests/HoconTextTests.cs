using Duet.Host.Configuration;

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
        Assert.StartsWith("test.hocon: duet.flow.window = 'many' is not a whole number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duet { party { side = left\n", "line 1: this '{' is never closed")]
    [InlineData("duet {\n  party {\n    side = left\n  }\n", "line 1: this '{' is never closed")]
    [InlineData("garbage here !!", "line 1: expected '=', ':' or '{' after the key 'garbage'")]
    [InlineData("a = 1\nduet.party.side\n", "line 2: the key 'duet.party.side' has no value")]
    [InlineData("a = 1\n}\n", "line 2: '}' closes nothing")]
    [InlineData("a {\n b = 1 ]\n", "line 2: ']' closes the '{' opened on line 1")]
    [InlineData("a = [#]", "line 1: this '[' is never closed")]
    [InlineData("a = \"open\nb = 2", "line 1: a quoted string is not closed")]
    [InlineData("a = ${b\n", "line 1: a substitution")]
    [InlineData("a =\n", "line 2: a value is missing")]
    [InlineData("x = 127.0.0.1:25520", "':' cannot appear unquoted")]
    public void Text_that_Akka_would_accept_but_is_not_HOCON_is_refused_with_its_line(string text, string expected)
    {
        var error = Assert.Throws<UsageException>(() => HoconText.Parse(text, "test.hocon"));
        Assert.Equal("test.hocon: not valid HOCON: ", error.Message[..29]);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ a = 1 }")]
    [InlineData("a { b = \"x\" }, c = 2 // trailing comment\n# comment\nd += 3")]
    [InlineData("a = \"\"\"multi\nline\"\"\"\nb : [\n  1,\n  {c = 2}\n]\n")]
    [InlineData("a = 60s\nb = 512MiB\nc = -1.5\nd = ${a}\ne = ${?HOME}\n\"quoted.key\" = on\n")]
    public void Well_formed_text_passes_the_strict_check(string text) =>
        Assert.Null(HoconSyntax.Check(text));

    [Theory]
    [InlineData("duet.party.sied = right", "unknown key duet.party.sied (did you mean duet.party.side?)")]
    [InlineData("duet { sesion.timeout = 5s }", "unknown key duet.sesion.timeout (did you mean duet.session.timeout?)")]
    [InlineData("duet.tls.peer-pin = []", "unknown key duet.tls.peer-pin (did you mean duet.tls.peer-pins?)")]
    [InlineData("duet.party = 3", "duet.party is a section")]
    public void An_unknown_key_under_duet_names_the_nearest_known_one(string text, string expected)
    {
        var error = Assert.Throws<UsageException>(() => ConfigKeys.Check(HoconText.Parse(text, "test.hocon"), "test.hocon"));
        Assert.Equal($"test.hocon: {expected}", error.Message[..Math.Min(error.Message.Length, 12 + expected.Length)]);
    }

    [Fact]
    public void Akka_keys_the_dispatcher_section_and_the_example_files_pass_the_key_check()
    {
        ConfigKeys.Check(HoconText.Parse("akka.loglevel = INFO\nakka.anything.goes = 1\nduet.worker-dispatcher.throughput = 5", "test.hocon"), "test.hocon");
        foreach (var file in new[] { "party-a.hocon", "party-b.hocon" })
        {
            var path = Path.Combine(CliCommandTests.RepositoryRoot(), "hocon", file);
            ConfigKeys.Check(HoconText.Parse(File.ReadAllText(path), path), path);
        }
    }

    [Theory]
    [InlineData("duet.party.input-bits = abc", "duet.party.input-bits = 'abc' is not a whole number")]
    [InlineData("duet.session.timeout = soon", "duet.session.timeout = 'soon' is not a duration")]
    [InlineData("duet.session.peer-wait = -5s", "duet.session.peer-wait = '-5s' is not a duration")]
    [InlineData("duet.limits.memory-budget = lots", "duet.limits.memory-budget = 'lots' is not a size")]
    [InlineData("duet.workers = 1.5", "duet.workers = '1.5' is not a whole number")]
    [InlineData("duet.party.side = { a = 1 }", "duet.party.side = { ... } is not a string")]
    public void A_type_error_names_the_key_and_the_form_expected(string text, string expected)
    {
        var error = Assert.Throws<UsageException>(() => HoconText.Settings(HoconText.Parse(text, "test.hocon"), "test.hocon"));
        Assert.StartsWith($"test.hocon: {expected}", error.Message, StringComparison.Ordinal);
    }
}
