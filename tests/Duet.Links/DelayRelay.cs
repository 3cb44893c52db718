using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Duet.Links;

/// <summary>
/// A TCP relay inside a network namespace that holds every byte for a fixed one-way delay in each direction: the
/// latency half of a link emulator, where the kernel has no netem. Each direction buffers at most a bounded number of
/// bytes; beyond that it stops reading, so the sender feels the backpressure a real link gives.
/// </summary>
public sealed class DelayRelay : IDisposable
{
    private const int ChunkBytes = 64 << 10;

    private readonly Socket listener;
    private readonly NamespaceThread sockets;
    private readonly IPEndPoint target;
    private readonly TimeSpan oneWay;
    private readonly long bufferBytes;
    private readonly CancellationTokenSource stop = new();
    private readonly HashSet<Socket> open = [];

    private DelayRelay(NamespaceThread sockets, Socket listener, IPEndPoint target, TimeSpan oneWay, long bufferBytes)
    {
        this.sockets = sockets;
        this.listener = listener;
        this.target = target;
        this.oneWay = oneWay;
        this.bufferBytes = bufferBytes;
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>Listens on <paramref name="listen"/> inside namespace <paramref name="ns"/> and relays each call to <paramref name="target"/>.</summary>
    public static DelayRelay Start(string ns, IPEndPoint listen, IPEndPoint target, TimeSpan oneWay, long bufferBytes)
    {
        var sockets = new NamespaceThread(ns);
        var listener = sockets.Create();
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(listen);
        listener.Listen(16);
        return new DelayRelay(sockets, listener, target, oneWay, bufferBytes);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Dispose();
        lock (open)
        {
            foreach (var socket in open)
            {
                socket.Dispose();
            }
        }

        sockets.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket caller;
            try
            {
                caller = await listener.AcceptAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(caller));
        }
    }

    private async Task RelayAsync(Socket caller)
    {
        var callee = sockets.Create();
        Track(caller);
        Track(callee);
        try
        {
            await callee.ConnectAsync(target, stop.Token).ConfigureAwait(false);
            caller.NoDelay = callee.NoDelay = true;
            await Task.WhenAll(PumpAsync(caller, callee), PumpAsync(callee, caller)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            lock (open)
            {
                open.Remove(caller);
                open.Remove(callee);
            }

            caller.Dispose();
            callee.Dispose();
        }
    }

    private void Track(Socket socket)
    {
        lock (open)
        {
            open.Add(socket);
        }
    }

    // One direction: read as it comes, hold each chunk until its arrival time, write in order; an end or a reset passes on.
    private async Task PumpAsync(Socket from, Socket to)
    {
        var queue = Channel.CreateBounded<(byte[] Bytes, int Length, long Due)>(new BoundedChannelOptions((int)Math.Max(4, bufferBytes / ChunkBytes)) { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(queue.Reader, to);
        try
        {
            while (true)
            {
                var chunk = new byte[ChunkBytes];
                var length = await from.ReceiveAsync(chunk, SocketFlags.None, stop.Token).ConfigureAwait(false);
                if (length == 0)
                {
                    break;
                }

                await queue.Writer.WriteAsync((chunk, length, Stopwatch.GetTimestamp() + (long)(oneWay.TotalSeconds * Stopwatch.Frequency)), stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            await writing.ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(ChannelReader<(byte[] Bytes, int Length, long Due)> queue, Socket to)
    {
        try
        {
            await foreach (var (bytes, length, due) in queue.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop.Token).ConfigureAwait(false);
                }

                for (var sent = 0; sent < length;)
                {
                    sent += await to.SendAsync(bytes.AsMemory(sent, length - sent), SocketFlags.None, stop.Token).ConfigureAwait(false);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            to.Dispose();
        }
    }
}
