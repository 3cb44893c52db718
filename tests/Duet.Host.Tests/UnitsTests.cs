using Duet.Actors.Delivery;
using Duet.Host.Networking;
using Duet.Host.Outputs;
using Xunit;

namespace Duet.Host.Tests;

/// <summary>Counts in summary lines: singular for one.</summary>
public sealed class UnitsTests
{
    [Theory]
    [InlineData(1, "run", null, "1 run")]
    [InlineData(4, "run", null, "4 runs")]
    [InlineData(0, "tile", null, "0 tiles")]
    [InlineData(1, "entry", "entries", "1 entry")]
    [InlineData(60, "entry", "entries", "60 entries")]
    public void A_count_of_one_is_singular(long count, string noun, string? plural, string expected) =>
        Assert.Equal(expected, Units.Count(count, noun, plural));

    [Fact]
    public void A_delivery_in_one_run_says_run()
    {
        var words = DeliveryTarget.Describe(new DeliveryReport("127.0.0.1:25530", 1, 1500, TimeSpan.FromSeconds(2)));

        Assert.Contains("(1 run, 1.5 kB, ", words, StringComparison.Ordinal);
    }

    [Fact]
    public void A_demo_of_one_entry_says_entry()
    {
        var outcome = CliRunner.Run("demo", "--rows", "1", "--inner", "1", "--cols", "1");

        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Equal("verified: 1 entry exact as integers", outcome.OutLines[^1]);
    }
}
