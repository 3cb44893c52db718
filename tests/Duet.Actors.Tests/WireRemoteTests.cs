using Akka.Actor;
using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

/// <summary>Two real actor systems on loopback: protocol messages cross Akka.Remote through <see cref="DuetSerializer"/>,
/// and a block of <c>duet.flow.block-bytes</c> (above Akka's default 128 kB frame) gets through.</summary>
public sealed class WireRemoteTests : IAsyncLifetime
{
    private static readonly Config Remote = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """).WithFallback(DuetConfig.Defaults);

    private ActorSystem _left = null!;
    private ActorSystem _right = null!;

    public Task InitializeAsync()
    {
        _left = ActorSystem.Create("left", Remote);
        _right = ActorSystem.Create("right", Remote);
        _right.ActorOf(Props.Create<Echo>(), "echo");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_left.Terminate(), _right.Terminate());
    }

    [Fact]
    public async Task Every_message_and_a_full_size_block_cross_the_network_intact()
    {
        var address = ((ExtendedActorSystem)_right).Provider.DefaultAddress;
        var echo = await _left.ActorSelection(new RootActorPath(address) / "user" / "echo").ResolveOne(TimeSpan.FromSeconds(10));
        var blockBytes = DuetConfig.Defaults.GetInt("duet.flow.block-bytes");
        var big = WireSamples.EncryptedBlock(count: blockBytes / 512, width: 512);

        foreach (var message in WireSamples.All().Select(x => x.Message).Append(big))
        {
            var back = await echo.Ask<IProtocolMessage>(message, TimeSpan.FromSeconds(10));
            Assert.Equal(message, back);
        }
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<IProtocolMessage>(message => Sender.Tell(message));
    }
}
