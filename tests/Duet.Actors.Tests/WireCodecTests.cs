using System.Numerics;
using System.Runtime.Serialization;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

public sealed class WireCodecTests
{
    private static readonly long[] EdgeLongs =
        [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1];

    [Fact]
    public void Signed_integers_round_trip_in_minimal_form()
    {
        BigInteger[] values = [.. EdgeLongs.Select(x => (BigInteger)x), BigInteger.Pow(2, 64), -BigInteger.Pow(2, 64), BigInteger.Pow(7, 300), -BigInteger.Pow(2, 8191)];
        var encoded = SignedIntegerCodec.Encode(values);

        Assert.Equal(values, SignedIntegerCodec.Decode(encoded, values.Length));
        Assert.Equal(new byte[] { 1, 0, 0 }, SignedIntegerCodec.Encode([BigInteger.Zero]));
        Assert.Equal(new byte[] { 2, 0, 0x00, 0x80 }, SignedIntegerCodec.Encode([new BigInteger(128)]));
        Assert.Equal(new byte[] { 1, 0, 0x80 }, SignedIntegerCodec.Encode([new BigInteger(-128)]));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 5 }, 2)] // too few values
    [InlineData(new byte[] { 1, 0, 5, 1, 0 }, 2)] // truncated value
    [InlineData(new byte[] { 1, 0, 5, 0 }, 1)] // trailing byte
    [InlineData(new byte[] { 0, 0 }, 1)] // empty value
    [InlineData(new byte[] { 2, 0, 0x00, 0x05 }, 1)] // redundant 0x00
    [InlineData(new byte[] { 2, 0, 0xFF, 0x85 }, 1)] // redundant 0xFF
    [InlineData(new byte[] { 0x01, 0x04, 1 }, 1)] // length 1025
    [InlineData(new byte[] { 0xFF, 0xFF, 1 }, 1)] // length 65535 with one byte present
    [InlineData(new byte[] { }, -1)]
    public void Malformed_signed_integers_are_rejected(byte[] encoded, int count)
    {
        Assert.Throws<SerializationException>(() => SignedIntegerCodec.Decode(encoded, count));
    }

    [Fact]
    public void Values_wider_than_the_limit_are_not_encoded()
    {
        Assert.Throws<ArgumentException>(() => SignedIntegerCodec.Encode([BigInteger.Pow(2, 8 * SignedIntegerCodec.MaxValueBytes)]));
    }

    [Theory]
    [InlineData(3, 8, 24, true)]
    [InlineData(0, 8, 0, true)]
    [InlineData(3, 8, 23, false)]
    [InlineData(3, 8, 25, false)]
    [InlineData(3, 0, 0, false)]
    [InlineData(-1, 8, -8, false)]
    [InlineData(int.MaxValue, int.MaxValue, 1, false)]
    public void The_layout_holds_only_when_length_is_count_times_width(int count, int width, int length, bool valid)
    {
        Assert.Equal(valid, CiphertextBlockCodec.IsValidLayout(count, width, length));
    }
}
