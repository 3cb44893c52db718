using System.Text;

namespace Duet.Actors.Protocol;

/// <summary>Content equality for the byte arrays inside messages, so that equal messages compare equal
/// (a duplicate of an index is ignored only if identical, docs/protocol.md §9).</summary>
internal static class ByteContent
{
    public static bool Equal(byte[]? left, byte[]? right) =>
        ReferenceEquals(left, right) || (left is not null && right is not null && left.AsSpan().SequenceEqual(right));

    public static void AddTo(ref HashCode hash, byte[]? bytes)
    {
        if (bytes is not null)
        {
            hash.AddBytes(bytes);
        }
    }

    public static void Print(StringBuilder builder, string name, byte[]? bytes) =>
        builder.Append(name).Append(" = ").Append(bytes is null ? "null" : $"{bytes.Length} bytes");
}
