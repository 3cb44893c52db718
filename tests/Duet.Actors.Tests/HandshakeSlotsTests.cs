using System.Net;
using Duet.Actors.Transport;

namespace Duet.Actors.Tests;

public sealed class HandshakeSlotsTests
{
    [Fact]
    public void AnIpv6ClientCountsByItsSlash64AndAnIpv4OneByItsAddressMappedOrNot()
    {
        IPAddress Source(string address) => HandshakeSlots.SourceOf(IPAddress.Parse(address));
        Assert.Equal(IPAddress.Parse("2001:db8:1:2::"), Source("2001:db8:1:2::1"));
        Assert.Equal(Source("2001:db8:1:2::1"), Source("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(Source("2001:db8:1:2::1"), Source("2001:db8:1:3::1"));
        Assert.Equal(Source("fe80::1%2"), Source("fe80::abcd%3"));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), Source("::ffff:192.0.2.7"));
        Assert.Equal(Source("192.0.2.7"), Source("::ffff:192.0.2.7"));
        Assert.NotEqual(Source("192.0.2.7"), Source("192.0.2.8"));
        Assert.NotEqual(Source("::1"), Source("::ffff:0.0.0.1"));
    }

    [Fact]
    public void ManyAddressesOfOneSlash64HoldOnlyThatPrefixsShare()
    {
        var slots = new HandshakeSlots([]);
        var random = new Random(5);
        for (var i = 0; i < HandshakeSlots.PerSource; i++)
        {
            Assert.Null(slots.TryTake(InPrefix("2001:db8:1:2::", random)));
        }

        var refusal = slots.TryTake(InPrefix("2001:db8:1:2::", random));
        Assert.Contains("from 2001:db8:1:2::/64", refusal, StringComparison.Ordinal);
        Assert.Null(slots.TryTake(InPrefix("2001:db8:1:3::", random)));

        // A slot given back is free again, whichever address of the prefix gave it back.
        slots.Release(InPrefix("2001:db8:1:2::", random));
        Assert.Null(slots.TryTake(InPrefix("2001:db8:1:2::", random)));
        Assert.NotNull(slots.TryTake(InPrefix("2001:db8:1:2::", random)));
    }

    [Fact]
    public void AnIpv4AddressHasOneShareWhetherItComesMappedOrNot()
    {
        var slots = new HandshakeSlots([]);
        for (var i = 0; i < HandshakeSlots.PerSource; i++)
        {
            Assert.Null(slots.TryTake(IPAddress.Parse(i % 2 == 0 ? "192.0.2.7" : "::ffff:192.0.2.7")));
        }

        Assert.NotNull(slots.TryTake(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotNull(slots.TryTake(IPAddress.Parse("192.0.2.7")));
        Assert.Null(slots.TryTake(IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public void ExpectedAndAuthenticatedSourcesHaveSlotsWhenStrangersHoldAllTheShared()
    {
        var slots = new HandshakeSlots([IPAddress.Parse("198.51.100.1"), IPAddress.Parse("2001:db8:9:9::1")]);
        for (var i = 0; i < HandshakeSlots.Shared; i++)
        {
            Assert.Null(slots.TryTake(new IPAddress([10, 0, (byte)(i / 256), (byte)(i % 256)])));
        }

        Assert.Contains($"{HandshakeSlots.Shared} handshakes", slots.TryTake(IPAddress.Parse("10.1.0.0")), StringComparison.Ordinal);
        Assert.NotNull(slots.TryTake(IPAddress.Parse("198.51.100.2")));
        Assert.Null(slots.TryTake(IPAddress.Parse("::ffff:198.51.100.1")));
        Assert.Null(slots.TryTake(IPAddress.Parse("2001:db8:9:9::abcd")));

        // A source a pinned certificate came from is trusted from then on.
        Assert.NotNull(slots.TryTake(IPAddress.Parse("203.0.113.5")));
        slots.Trust(IPAddress.Parse("203.0.113.5"));
        Assert.Null(slots.TryTake(IPAddress.Parse("203.0.113.5")));

        // The reserve is small: once it is taken too, a trusted source waits like anyone else.
        for (var i = 3; i < HandshakeSlots.Reserved; i++)
        {
            Assert.Null(slots.TryTake(IPAddress.Parse(i % 2 == 0 ? "198.51.100.1" : "203.0.113.5")));
        }

        Assert.Contains("handshakes are already in progress", slots.TryTake(IPAddress.Parse("2001:db8:9:9::1")), StringComparison.Ordinal);
    }

    private static IPAddress InPrefix(string prefix, Random random)
    {
        var bytes = IPAddress.Parse(prefix).GetAddressBytes();
        random.NextBytes(bytes.AsSpan(8));
        return new IPAddress(bytes);
    }
}
