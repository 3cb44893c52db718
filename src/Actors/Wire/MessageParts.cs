using Duet.Actors.Protocol;

namespace Duet.Actors.Wire;

/// <summary>Cutting a peer message that outgrows the transport frame into <see cref="MessagePart"/>s, and joining them.</summary>
internal static class MessageParts
{
    /// <summary>Parts of one message at most: with 16 MiB messages, parts of 4 KiB and more.</summary>
    public const int MaxParts = 4096;

    /// <summary>The messages whose size a plan does not bound below every frame: the key and the ciphertext blocks.</summary>
    public static bool CanSplit(string manifest) =>
        manifest is DuetSerializer.KeyManifest or DuetSerializer.EncryptedBlockManifest or DuetSerializer.ResultBlockManifest;

    /// <summary>Bytes a message's fields other than its key or ciphertexts take at most once encoded.</summary>
    private const int FieldBytes = 64;

    /// <summary>The message itself when it fits <paramref name="payloadBytes"/>, else its encoding in parts that do.</summary>
    public static IEnumerable<IProtocolMessage> Fit(IProtocolMessage message, long payloadBytes)
    {
        var large = message switch
        {
            CiphertextBlock block => block.Ciphertexts.LongLength + FieldBytes > payloadBytes,
            KeyMessage key => key.Key.LongLength + FieldBytes > payloadBytes,
            _ => false,
        };
        if (!large)
        {
            yield return message;
            yield break;
        }

        var manifest = DuetSerializer.ManifestFor(message);
        var bytes = DuetSerializer.Encode(message);
        var partBytes = (int)Math.Max(payloadBytes, (bytes.Length + MaxParts - 1) / MaxParts);
        var count = (bytes.Length + partBytes - 1) / partBytes;
        for (var i = 0; i < count; i++)
        {
            var start = i * partBytes;
            yield return new MessagePart(message.SessionId, manifest, i, count, bytes[start..Math.Min(bytes.Length, start + partBytes)]);
        }
    }
}

/// <summary>
/// The receiving side: parts of one message arrive in order from the session's peer (one sender, one link), so only
/// one message is ever being joined, bounded by <see cref="WireLimits.MaxPayloadBytes"/>; the joined bytes are decoded
/// with the same codec, and so the same checks, as a whole message.
/// </summary>
internal sealed class MessageAssembler
{
    private readonly List<byte[]> parts = [];
    private MessagePart? first;
    private long bytes;

    /// <summary>The whole message once its last part is in, else null.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">A part out of order, of another message,
    /// over the size limit, or joined bytes that are not one well-formed message of the announced kind.</exception>
    public object? Add(MessagePart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.Index != parts.Count || (first is { } open && (open.Manifest != part.Manifest || open.Count != part.Count)))
        {
            throw new System.Runtime.Serialization.SerializationException(
                $"part {part.Index} of {part.Count} of a '{part.Manifest}' message arrived where part {parts.Count} of {first?.Count ?? part.Count} of a '{first?.Manifest ?? part.Manifest}' was due");
        }

        bytes += part.Bytes.Length;
        if (bytes > WireLimits.MaxPayloadBytes)
        {
            throw new System.Runtime.Serialization.SerializationException($"the parts of a '{part.Manifest}' message exceed {WireLimits.MaxPayloadBytes} bytes");
        }

        first ??= part;
        parts.Add(part.Bytes);
        if (parts.Count < part.Count)
        {
            return null;
        }

        var whole = new byte[bytes];
        var offset = 0;
        foreach (var piece in parts)
        {
            piece.CopyTo(whole, offset);
            offset += piece.Length;
        }

        (first, bytes) = (null, 0);
        parts.Clear();
        return DuetSerializer.Decode(whole, part.Manifest);
    }
}
