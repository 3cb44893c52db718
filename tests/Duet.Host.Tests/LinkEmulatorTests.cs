using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Duet.Links;

namespace Duet.Host.Tests;

/// <summary>The link emulator itself: the round trip and rate a profile promises are floors every transfer meets,
/// a cut link passes nothing until restored, and disposing removes every namespace it made.</summary>
public sealed class LinkEmulatorTests
{
    private const int Port = 25521;

    [LinkTheory]
    [InlineData("region")]
    [InlineData("metro")]
    public async Task Bytes_through_the_link_take_at_least_its_round_trip_and_its_rate(string name)
    {
        var profile = LinkProfile.Parse(name);
        using var link = LinkEmulator.Create(profile);
        var (server, client) = await Connect(link);
        using (server)
        using (client)
        {
            // A one-byte echo: each round trip passes the relay twice.
            var one = new byte[1];
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                await client.SendAsync(one);
                await ReceiveExactly(server, 1);
                await server.SendAsync(one);
                await ReceiveExactly(client, 1);
                Assert.True(clock.Elapsed >= profile.RoundTrip, $"round trip {clock.Elapsed.TotalMilliseconds} ms < {profile.RoundTrip.TotalMilliseconds} ms");
            }

            // 8 MB from B to A: the last byte arrives no sooner than the rate allows (less one 10 ms bucket).
            const int Bytes = 8 << 20;
            var sending = Task.Run(async () =>
            {
                var chunk = new byte[1 << 16];
                for (var sent = 0; sent < Bytes; sent += chunk.Length)
                {
                    await client.SendAsync(chunk);
                }
            });
            await ReceiveExactly(server, 1);
            var transfer = Stopwatch.StartNew();
            await ReceiveExactly(server, Bytes - 1);
            await sending;
            var floor = profile.TransferSeconds(Bytes) - 0.01;
            Assert.True(transfer.Elapsed.TotalSeconds >= floor, $"{Bytes} bytes in {transfer.Elapsed.TotalSeconds} s, faster than {profile.Name} allows ({floor} s)");
        }
    }

    [LinkTheory]
    [InlineData("metro")]
    public async Task A_cut_link_passes_nothing_until_it_is_restored_and_the_namespaces_go_with_it(string name)
    {
        string[] namespaces;
        using (var link = LinkEmulator.Create(LinkProfile.Parse(name)))
        {
            namespaces = [link.NamespaceA, link.NamespaceM, link.NamespaceB];
            Assert.All(namespaces, ns => Assert.Contains(ns, Namespaces()));
            var (server, client) = await Connect(link);
            using (server)
            using (client)
            {
                link.Cut();
                await client.SendAsync(new byte[] { 42 });
                var arrival = ReceiveExactly(server, 1);
                Assert.NotSame(arrival, await Task.WhenAny(arrival, Task.Delay(TimeSpan.FromSeconds(2))));
                link.Restore();
                await arrival.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, Namespaces()));
    }

    private static async Task<(Socket Server, Socket Client)> Connect(LinkEmulator link)
    {
        using var listener = link.SocketIn('a');
        listener.Bind(new IPEndPoint(IPAddress.Any, Port));
        listener.Listen(1);
        link.Forward(Port);
        var client = link.SocketIn('b');
        await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(LinkEmulator.PublicAddressOfA), Port));
        client.NoDelay = true;
        var server = await listener.AcceptAsync();
        server.NoDelay = true;
        return (server, client);
    }

    private static async Task ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[Math.Min(count, 1 << 16)];
        for (var received = 0; received < count;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, count - received)));
            Assert.True(n > 0, "the link closed");
            received += n;
        }
    }

    private static string Namespaces()
    {
        using var list = Process.Start(new ProcessStartInfo("ip", "netns list") { RedirectStandardOutput = true })!;
        var text = list.StandardOutput.ReadToEnd();
        list.WaitForExit();
        return text;
    }
}
