using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Duet.Actors.Transport;

/// <summary>
/// One authenticated TLS link of <see cref="PinnedTlsTransport"/>: frames of a 4-byte little-endian length and a
/// payload of at most the transport's maximum frame. Writes are queued and coalesced by one writer; one reader hands
/// each frame to Akka's listener. The link ends once, for whatever reason (the peer closed it, a frame over the
/// limit, an I/O error, or <see cref="Disassociate"/>), and Akka hears of it once.
/// </summary>
internal sealed class TlsAssociation : AssociationHandle
{
    private const int HeaderBytes = 4;
    private const int CoalesceBytes = 64 * 1024;

    /// <summary>Room over the maximum frame for Akka's envelope: Akka.Remote checks a message's size before it wraps it
    /// (recipient, sender, sequence numbers), so a frame of a message at the limit is slightly over it.</summary>
    private const int EnvelopeBytes = 4096;

    /// <summary>A header no frame has: a listener's refusal of the caller's certificate follows, as a length and at
    /// most <see cref="RefusalBytes"/> of UTF-8, and the link closes (<see cref="RefuseAsync"/>).</summary>
    private const int RefusalHeader = -1;
    private const int RefusalBytes = 1024;
    private readonly SslStream stream;
    private readonly int maximumFrame;
    private readonly TimeSpan registration;
    private readonly ILoggingAdapter log;
    private readonly Action<TlsAssociation> onClosed;
    private readonly Action<string>? refusedByPeer;
    private readonly Channel<ByteString> outgoing = Channel.CreateUnbounded<ByteString>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int ended;
    private Task writer = Task.CompletedTask;
    private Task reader = Task.CompletedTask;

    /// <param name="registration">How long Akka may take to register its reader; a link it never takes up is closed.</param>
    /// <param name="refusedByPeer">On a link this node opened: called with the listener's reason when its first words
    /// are a refusal of this node's certificate. Null on incoming links, where a refusal header is an oversized frame.</param>
    public TlsAssociation(SslStream stream, Address local, Address remote, int maximumFrame, TimeSpan registration, ILoggingAdapter log, Action<TlsAssociation> onClosed, Action<string>? refusedByPeer = null)
        : base(local, remote)
    {
        this.stream = stream;
        this.maximumFrame = maximumFrame + EnvelopeBytes;
        this.registration = registration;
        this.log = log;
        this.onClosed = onClosed;
        this.refusedByPeer = refusedByPeer;
    }

    /// <summary>
    /// Tells a caller whose certificate the listener refused why, over the TLS link it authenticated the listener on,
    /// then closes it: TLS's close, and the caller's close awaited (briefly) so that a reset cannot destroy the
    /// refusal before it is read. What the caller sends is discarded unread.
    /// </summary>
    public static async Task RefuseAsync(SslStream stream, string reason, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(reason);
        var text = System.Text.Encoding.UTF8.GetBytes(reason.Length > RefusalBytes / 4 ? reason[..(RefusalBytes / 4)] : reason);
        var frame = new byte[2 * HeaderBytes + text.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, RefusalHeader);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(HeaderBytes), text.Length);
        text.CopyTo(frame.AsSpan(2 * HeaderBytes));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await stream.WriteAsync(frame, limit.Token).ConfigureAwait(false);
            await stream.ShutdownAsync().ConfigureAwait(false);
            var discard = new byte[4096];
            while (await stream.ReadAsync(discard, limit.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The caller went first, or never closed: the link ends either way.
        }
    }

    public void Start()
    {
        writer = Task.Run(WriteLoop);
        reader = Task.Run(ReadLoop);
    }

    public override bool Write(ByteString payload)
    {
        // False only once the link has ended, when Akka drops the payload; the queue is not bounded (as in Akka's
        // DotNetty transport): a session's credit windows bound what it sends.
        ArgumentNullException.ThrowIfNull(payload);
        return outgoing.Writer.TryWrite(payload);
    }

#pragma warning disable CS0672 // Akka.Remote calls this; it marks it obsolete only to steer callers to the overload with a reason.
    public override void Disassociate() => _ = CloseAsync();
#pragma warning restore CS0672

    /// <summary>
    /// Sends what is queued and TLS's close, then waits for the peer to close its side before the socket closes, so
    /// that nothing sent is lost to a reset (at most a few seconds for a peer that stopped reading).
    /// </summary>
    public async Task CloseAsync()
    {
        outgoing.Writer.TryComplete();
        await Task.WhenAny(Task.WhenAll(writer, reader), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        End();
        await closed.Task.ConfigureAwait(false);
    }

    private async Task WriteLoop()
    {
        var buffer = new ArrayBufferWriter<byte>(CoalesceBytes);
        try
        {
            while (await outgoing.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (buffer.WrittenCount < CoalesceBytes && outgoing.Reader.TryRead(out var payload))
                {
                    BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(HeaderBytes), payload.Length);
                    buffer.Advance(HeaderBytes);
                    payload.Span.CopyTo(buffer.GetSpan(payload.Length));
                    buffer.Advance(payload.Length);
                }

                await stream.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }

            await stream.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever failed (I/O, a disposed stream, TLS's stored error), the link is over: Akka must hear of it
            // rather than have its writes vanish.
            End();
        }
    }

    private async Task ReadLoop()
    {
        IHandleEventListener listener;
        try
        {
            // Not on the thread of the Akka actor that registers the reader.
            listener = await ReadHandlerSource.Task.WaitAsync(registration).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (TimeoutException)
        {
            log.Warning("TLS: Akka never took up the link with {0}; closing it", RemoteAddress);
            End();
            return;
        }

        var header = new byte[HeaderBytes];
        var first = true;
        try
        {
            while (true)
            {
                if (!await ReadExactly(header).ConfigureAwait(false))
                {
                    break;
                }

                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (first && length == RefusalHeader && refusedByPeer is not null)
                {
                    refusedByPeer(await ReadRefusal().ConfigureAwait(false));
                    break;
                }

                first = false;
                if (length < 0 || length > maximumFrame)
                {
                    log.Warning("TLS: {0} sent a frame of {1} bytes, over the {2}-byte limit; closing the link", RemoteAddress, length, maximumFrame);
                    break;
                }

                var payload = new byte[length];
                if (!await ReadExactly(payload).ConfigureAwait(false))
                {
                    break;
                }

                listener.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(payload)));
            }
        }
        catch (Exception)
        {
            // The link failed or was closed here: the same end for Akka as the peer closing it.
        }
        finally
        {
            End();
            listener.Notify(new Disassociated(DisassociateInfo.Unknown));
        }
    }

    /// <summary>The listener's reason for refusing this node's certificate, printable on one line.</summary>
    private async Task<string> ReadRefusal()
    {
        var header = new byte[HeaderBytes];
        var length = await ReadExactly(header).ConfigureAwait(false) ? BinaryPrimitives.ReadInt32LittleEndian(header) : 0;
        var text = new byte[length is > 0 and <= RefusalBytes ? length : 0];
        return text.Length > 0 && await ReadExactly(text).ConfigureAwait(false)
            ? string.Concat(System.Text.Encoding.UTF8.GetString(text).Select(c => char.IsControl(c) ? '?' : c))
            : "(no reason given)";
    }

    /// <summary>False when the link ended before the buffer was full.</summary>
    private async Task<bool> ReadExactly(byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Ends the link at once (idempotent): the stream closes and the transport forgets it.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref ended, 1) == 0)
        {
            outgoing.Writer.TryComplete();
            stream.Dispose();
            onClosed(this);
            closed.TrySetResult();
        }
    }
}
