using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Duet.Links;

/// <summary>A thread that entered a network namespace and stays there, so the sockets it makes belong to it.</summary>
internal sealed partial class NamespaceThread : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private readonly BlockingCollection<(Func<Socket> Make, TaskCompletionSource<Socket> Done)> work = new();
    private readonly Thread thread;

    public NamespaceThread(string ns)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thread = new Thread(() => Run(ns, entered)) { IsBackground = true, Name = $"netns {ns}" };
        thread.Start();
        entered.Task.GetAwaiter().GetResult();
    }

    public Socket Create()
    {
        var done = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add((() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), done));
        return done.Task.GetAwaiter().GetResult();
    }

    public void Dispose() => work.CompleteAdding();

    private void Run(string ns, TaskCompletionSource entered)
    {
        try
        {
            using var handle = File.OpenHandle($"/var/run/netns/{ns}");
            if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            {
                throw new IOException($"setns into {ns} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        catch (Exception ex)
        {
            entered.SetException(ex);
            return;
        }

        entered.SetResult();
        foreach (var (make, done) in work.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(make());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);
}
