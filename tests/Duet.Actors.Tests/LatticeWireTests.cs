using System.Buffers.Binary;
using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

/// <summary>The wire form of a BFV session: the scheme in Hello, the key message and the wide blocks, each
/// validated on decode like the Paillier messages.</summary>
public sealed class LatticeWireTests
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
    [InlineData(2)]
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
    public void A_bfv_ciphertext_wider_than_a_paillier_one_travels_only_in_a_bfv_block()
    {
        var wide = WireSamples.LatticeEncryptedBlock(width: 600_000);
        Assert.Equal(wide, DuetSerializer.Decode(DuetSerializer.Encode(wide), "LE"));
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(DuetSerializer.Encode(wide), "EB"));
        var paillier = new EncryptedBlock(wide.SessionId, wide.BlockIndex, wide.FirstIndex, wide.Count, wide.Width, wide.Ciphertexts);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(paillier));
    }

    [Fact]
    public void A_bfv_block_over_the_width_limit_is_neither_written_nor_read()
    {
        var over = WireSamples.LatticeEncryptedBlock(width: WireLimits.MaxLatticeCiphertextWidth + 1);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(over));

        // Width sits after the header (17 bytes), BlockIndex, FirstIndex and Count.
        var bytes = DuetSerializer.Encode(WireSamples.LatticeResultBlock());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(29), WireLimits.MaxLatticeCiphertextWidth + 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "LR"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "decoding a corrupted width allocated too much");
    }

    [Theory]
    [InlineData(17, 0)] // Degree
    [InlineData(17, (1 << 15) + 1)]
    [InlineData(17, 6000)] // not a power of two
    [InlineData(17, 512)]
    [InlineData(21, 0)] // Primes
    [InlineData(25, -64)] // PlainBits
    [InlineData(29, 0)] // Key length
    [InlineData(29, (1 << 20) + 1)]
    public void A_bfv_key_message_out_of_range_is_rejected(int offset, int value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.LatticeKey());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "LK"));
    }

    [Fact]
    public void Each_scheme_builds_and_accepts_only_its_own_blocks()
    {
        var id = WireSamples.Session;
        foreach (var scheme in Enum.GetValues<Scheme>())
        {
            var encrypted = CiphertextBlocks.Encrypted(scheme, id, 0, 0, 1, 4, [1, 2, 3, 4]);
            var result = CiphertextBlocks.Result(scheme, id, 0, 0, 1, 4, [1, 2, 3, 4]);
            Assert.True(CiphertextBlocks.IsEncrypted(encrypted, scheme));
            Assert.True(CiphertextBlocks.IsResult(result, scheme));
            Assert.False(CiphertextBlocks.IsResult(encrypted, scheme));
            Assert.False(CiphertextBlocks.IsEncrypted(result, scheme));
            var other = scheme == Scheme.Bfv ? Scheme.Paillier : Scheme.Bfv;
            Assert.False(CiphertextBlocks.IsEncrypted(encrypted, other));
            Assert.False(CiphertextBlocks.IsResult(result, other));
        }
    }
}
