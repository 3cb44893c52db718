using System.Net;
using System.Net.Sockets;

namespace Duet.Actors.Transport;

/// <summary>
/// The incoming TLS handshakes a listener lets be in progress (docs/protocol.md §12): each holds a socket until it ends, and
/// anyone may open them. At most <see cref="PerSource"/> from one source, <see cref="Shared"/> in all, and
/// <see cref="Reserved"/> more that only trusted sources may take: those this party expects links from
/// (<c>duet.tls.expected-addresses</c>) and those a pinned certificate has already come from, in either direction. So
/// strangers holding every shared slot still cannot keep the peer or the party's own nodes out.
/// </summary>
internal sealed class HandshakeSlots
{
    public const int Shared = 256;

    public const int Reserved = 16;

    public const int PerSource = 8;

    // Each trusted source is where a pinned certificate was (or is configured), so only a pinned party could add more.
    private const int MaxTrusted = 1024;

    private readonly Lock gate = new();
    private readonly Dictionary<IPAddress, int> bySource = [];
    private readonly HashSet<IPAddress> trusted = [];
    private int total;

    public HandshakeSlots(IEnumerable<IPAddress> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        foreach (var address in expected)
        {
            Trust(address);
        }
    }

    /// <summary>
    /// The source a connection counts against: an IPv4 address (also when it comes IPv4-mapped, ::ffff:a.b.c.d), or an
    /// IPv6 address's /64, since whoever holds one /64 holds 2^64 addresses.
    /// </summary>
    public static IPAddress SourceOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        // A new address without the interface's scope id: a /64 is one source on every interface.
        Span<byte> prefix = stackalloc byte[16];
        address.TryWriteBytes(prefix, out _);
        prefix[8..].Clear();
        return new IPAddress(prefix);
    }

    /// <summary>Null when a slot is taken for a connection from the address (give it back with <see cref="Release"/>);
    /// otherwise which limit it met.</summary>
    public string? TryTake(IPAddress from)
    {
        var source = SourceOf(from);
        lock (gate)
        {
            var there = bySource.GetValueOrDefault(source);
            if (there >= PerSource)
            {
                return $"{PerSource} handshakes from {Shown(source)} are already in progress";
            }

            if (total >= Shared + (trusted.Contains(source) ? Reserved : 0))
            {
                return $"{total} handshakes are already in progress";
            }

            bySource[source] = there + 1;
            total++;
            return null;
        }
    }

    public void Release(IPAddress from)
    {
        var source = SourceOf(from);
        lock (gate)
        {
            total--;
            var left = bySource[source] - 1;
            if (left > 0)
            {
                bySource[source] = left;
            }
            else
            {
                bySource.Remove(source);
            }
        }
    }

    /// <summary>Lets connections from the address's source take the reserved slots.</summary>
    public void Trust(IPAddress address)
    {
        var source = SourceOf(address);
        lock (gate)
        {
            if (trusted.Count < MaxTrusted)
            {
                trusted.Add(source);
            }
        }
    }

    private static string Shown(IPAddress source) => source.AddressFamily == AddressFamily.InterNetworkV6 ? $"{source}/64" : source.ToString();
}
