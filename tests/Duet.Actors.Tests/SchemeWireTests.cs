using Duet.Crypto.Schemes;
using System.Buffers.Binary;
using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

/// <summary>The wire form of the scheme: the scheme in Hello, the one key message and the blocks wide enough for
/// either scheme, each validated on decode.</summary>
public sealed class SchemeWireTests
{
    [Fact]
    public void A_hello_before_version_3_has_no_scheme_byte_and_reads_as_paillier()
    {
        var old = WireSamples.Hello() with { ProtocolVersion = 2, Scheme = Scheme.Paillier };
        var bytes = DuetSerializer.Encode(old);
        Assert.Equal(DuetSerializer.Encode(WireSamples.Hello()).Length - 1, bytes.Length);
        Assert.Equal(old, DuetSerializer.Decode(bytes, "HE"));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(old with { Scheme = Scheme.Bfv }));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(255)]
    public void An_unknown_scheme_is_rejected(byte value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.Hello());
        Assert.Equal((byte)Scheme.Bfv, bytes[^1]);
        bytes[^1] = value;
        var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE"));
        Assert.Contains("is not a valid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wide_ciphertext_travels_in_the_one_block_message_of_every_scheme()
    {
        var wide = WireSamples.WideBlock(width: 600_000);
        Assert.Equal(wide, DuetSerializer.Decode(DuetSerializer.Encode(wide), "EB"));
        var result = new ResultBlock(wide.SessionId, wide.BlockIndex, wide.FirstIndex, wide.Count, wide.Width, wide.Ciphertexts);
        Assert.Equal(result, DuetSerializer.Decode(DuetSerializer.Encode(result), "RB"));
    }

    [Fact]
    public void A_block_over_the_width_limit_is_neither_written_nor_read()
    {
        var over = WireSamples.WideBlock(width: WireLimits.MaxCiphertextWidth + 1);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(over));

        // Width sits after the header (17 bytes), BlockIndex, FirstIndex and Count.
        var bytes = DuetSerializer.Encode(WireSamples.WideBlock());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(29), WireLimits.MaxCiphertextWidth + 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "EB"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "decoding a corrupted width allocated too much");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WireLimits.MaxKeyMessageBytes + 1)]
    public void A_key_message_of_no_bytes_or_too_many_is_rejected(int length)
    {
        // The key's length sits after the header (17 bytes).
        var bytes = DuetSerializer.Encode(WireSamples.Key());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(17), length);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "KY"));
    }
}
