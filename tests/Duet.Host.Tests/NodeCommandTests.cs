using Akka.Configuration;
using Duet.Actors;
using Duet.Actors.Cluster;
using Duet.Host.Commands;
using Duet.Host.Configuration;
using Duet.Host.Networking;

namespace Duet.Host.Tests;

/// <summary><c>duet node</c> and the example configurations of a party that is a cluster.</summary>
public sealed class NodeCommandTests
{
    [Fact]
    public void A_node_without_a_seed_is_bad_input()
    {
        CliCommandTests.AssertBadInput(CliRunner.Run("node", "--insecure"), "--seed");
    }

    [Fact]
    public void A_node_with_TLS_but_no_party_pin_is_bad_input()
    {
        CliCommandTests.AssertBadInput(CliRunner.Run("node", "--seed", "127.0.0.1:25520"), "--party-pin");
    }

    [Fact]
    public async Task A_node_that_never_joined_stops_at_once_on_SIGTERM_and_says_so()
    {
        using var directory = new FilesTestDirectory();
        using var node = DuetProcess.Start(directory.Path, "node", "--insecure", "--seed", $"127.0.0.1:{CliRunner.FreePort()}", "--log", "node.log");
        await node.WaitForErrorAsync("[node] joining the party's session node", TimeSpan.FromSeconds(60));
        node.Signal("TERM");

        // It used to wait 10 s for a leave the cluster could never confirm, then say it left.
        var outcome = await node.WaitAsync(TimeSpan.FromSeconds(8));
        Assert.True(outcome.Code == 0, outcome.ToString());
        Assert.Contains("[node] stopped before joining the cluster", outcome.ErrorLines);
        Assert.DoesNotContain("[node] left the cluster", outcome.ErrorLines);
    }

    [Fact]
    public void A_misspelt_cluster_key_is_refused_with_the_nearest_one()
    {
        using var directory = new FilesTestDirectory();
        var config = directory.WriteText("node.hocon", "duet.cluster.seed-node = [\"127.0.0.1:25520\"]");
        CliCommandTests.AssertBadInput(CliRunner.Run("node", "--config", config, "--insecure"), "duet.cluster.seed-nodes");
    }

    [Theory]
    [InlineData("party-a-cluster.hocon", true)]
    [InlineData("party-a-node.hocon", false)]
    public void The_cluster_examples_pass_the_strict_check_and_say_what_a_cluster_needs(string file, bool sessionNode)
    {
        var path = Path.Combine(CliCommandTests.RepositoryRoot(), "hocon", file);
        var config = ConfigurationFactory.ParseString(File.ReadAllText(path));
        ConfigKeys.Check(config, file);
        PartySettings.FromConfig(config).Validate();
        Assert.NotEmpty(config.GetStringList(LinkSecurity.PartyPinsKey, []));
        if (sessionNode)
        {
            Assert.True(config.GetBoolean(PartyCluster.EnabledKey));
        }
        else
        {
            Assert.All(config.GetStringList(NodeCommand.SeedNodesKey, []), seed => PartyEndpoint.ParseHostPort(seed, "seed"));
            Assert.NotEmpty(config.GetStringList(NodeCommand.SeedNodesKey, []));
        }
    }
}
