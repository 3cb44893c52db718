using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

public sealed class WireConfigTests
{
    [Fact]
    public void The_defaults_hold_the_documented_duet_keys()
    {
        var config = DuetConfig.Defaults;

        Assert.Equal(8, config.GetInt("duet.protocol-version"));
        Assert.False(config.GetBoolean("duet.session.accept-fast-key"));
        Assert.Equal("bfv", config.GetString("duet.session.scheme"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
        Assert.Equal(TimeSpan.FromSeconds(60), config.GetTimeSpan("duet.session.timeout"));
        Assert.Equal(8, config.GetInt("duet.flow.window"));
        Assert.Equal(262144, config.GetInt("duet.flow.block-bytes"));
        Assert.Equal(0, config.GetInt("duet.workers"));
        Assert.Equal(2048, config.GetInt("duet.session.min-key-bits"));
        Assert.Equal(40, config.GetInt("duet.session.sigma"));
        Assert.False(config.HasPath("akka.actor.provider"));
    }

    [Fact]
    public void A_block_of_the_default_size_fits_the_transport_frame_with_room_to_spare()
    {
        var config = DuetConfig.Defaults;
        var frame = config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size");
        Assert.Equal(4194304, frame);
        Assert.True(config.GetInt("duet.flow.block-bytes") * 4L <= frame);
        Assert.True(config.GetByteSize("akka.remote.dot-netty.tcp.send-buffer-size") >= frame);
        Assert.True(config.GetByteSize("akka.remote.dot-netty.tcp.receive-buffer-size") >= frame);
        Assert.True(frame <= WireLimits.MaxPayloadBytes);
    }

    [Fact]
    public async Task The_worker_dispatcher_runs_actors_on_its_own_threads()
    {
        using var system = ActorSystem.Create("dispatcher", DuetConfig.Defaults);
        try
        {
            Assert.True(system.Dispatchers.HasDispatcher("duet.worker-dispatcher"));
            var worker = system.ActorOf(Props.Create<ThreadReporter>().WithDispatcher("duet.worker-dispatcher"));
            var thread = await worker.Ask<string>("which thread?", TimeSpan.FromSeconds(5));
            Assert.Contains("duet.worker-dispatcher", thread, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task The_worker_dispatcher_has_one_thread_per_core()
    {
        using var system = ActorSystem.Create("cores", DuetConfig.Defaults);
        try
        {
            var cores = Math.Clamp(Environment.ProcessorCount, 1, 64);
            var workers = Enumerable.Range(0, 4 * cores)
                .Select(_ => system.ActorOf(Props.Create<ThreadReporter>(TimeSpan.FromMilliseconds(100)).WithDispatcher("duet.worker-dispatcher")))
                .ToList();
            var threads = await Task.WhenAll(workers.Select(w => w.Ask<string>("which thread?", TimeSpan.FromSeconds(10))));
            Assert.Equal(cores, threads.Distinct().Count());
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter()
            : this(TimeSpan.Zero)
        {
        }

        public ThreadReporter(TimeSpan busy) => ReceiveAny(_ =>
        {
            Thread.Sleep(busy);
            Sender.Tell(Thread.CurrentThread.Name ?? "(unnamed)");
        });
    }
}

/// <summary>With serialize-messages on, every local message goes through its serializer, so this exercises the
/// binding of <see cref="IProtocolMessage"/> to <see cref="DuetSerializer"/> inside a running system.</summary>
public sealed class WireSerializeMessagesTests()
    : TestKit(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(DuetConfig.Defaults))
{
    [Fact]
    public void A_hello_sent_to_a_local_actor_comes_back_through_the_serializer()
    {
        var echo = Sys.ActorOf(Props.Create<Echo>());
        var hello = WireSamples.Hello();

        echo.Tell(hello, TestActor);

        var back = ExpectMsg<Hello>(TimeSpan.FromSeconds(5));
        Assert.Equal(hello, back);
        Assert.NotSame(hello, back);
    }

    [Fact]
    public void A_large_encrypted_block_crosses_the_serializer_intact()
    {
        var echo = Sys.ActorOf(Props.Create<Echo>());
        var block = WireSamples.EncryptedBlock(count: 256, width: 512);

        echo.Tell(block, TestActor);

        Assert.Equal(block, ExpectMsg<EncryptedBlock>(TimeSpan.FromSeconds(5)));
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<IProtocolMessage>(message => Sender.Tell(message));
    }
}
