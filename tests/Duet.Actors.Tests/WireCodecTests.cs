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

    [Fact]
    public void The_long_encoder_writes_the_same_bytes_as_the_big_integer_encoder()
    {
        var random = new Random(7);
        var longs = EdgeLongs.Concat(Enumerable.Range(0, 1000).Select(i => random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64))).ToArray();

        Assert.Equal(SignedIntegerCodec.Encode([.. longs.Select(x => (BigInteger)x)]), SignedIntegerCodec.Encode(longs));
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

    [Fact]
    public void Ciphertexts_pack_to_fixed_width_and_view_back()
    {
        byte[][] values = [[0x01], [0x00, 0x00, 0xAB, 0xCD], [0xFF, 0xEE, 0xDD, 0xCC], []];
        var packed = CiphertextBlockCodec.Pack(values, width: 4);

        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0xAB, 0xCD, 0xFF, 0xEE, 0xDD, 0xCC, 0, 0, 0, 0 }, packed);
        var view = CiphertextBlockCodec.View(packed, count: 4, width: 4);
        Assert.Equal(4, view.Count);
        Assert.Equal(new byte[] { 0, 0, 0xAB, 0xCD }, view[1].ToArray());
        Assert.Equal(new byte[] { 0xFF, 0xEE, 0xDD, 0xCC }, view[2].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => CiphertextBlockCodec.View(packed, 4, 4)[4].Length);
    }

    [Fact]
    public void A_value_wider_than_the_ciphertext_width_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CiphertextBlockCodec.Pack([[1, 2, 3, 4, 5]], width: 4));
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
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => CiphertextBlockCodec.ValidateLayout(count, width, length));
        }
    }

    [Theory]
    [InlineData(262144, 768, 341)]
    [InlineData(262144, 512, 512)]
    [InlineData(100, 512, 1)]
    public void A_block_carries_as_many_ciphertexts_as_fit_its_target_size(int blockBytes, int width, int expected)
    {
        Assert.Equal(expected, CiphertextBlockCodec.PerBlock(blockBytes, width));
    }
}
