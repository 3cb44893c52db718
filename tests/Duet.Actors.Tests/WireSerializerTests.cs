using System.Buffers.Binary;
using System.Runtime.Serialization;
using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace Duet.Actors.Tests;

/// <summary>An actor system configured with nothing but <see cref="DuetConfig.Defaults"/>.</summary>
public sealed class WireSystemFixture : IDisposable
{
    public WireSystemFixture() => System = ActorSystem.Create("wire", DuetConfig.Defaults);

    public ActorSystem System { get; }

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}

public sealed class WireSerializerTests(WireSystemFixture fixture) : IClassFixture<WireSystemFixture>
{
    private readonly AkkaSerialization _serialization = fixture.System.Serialization;

    public static TheoryData<string> Manifests => WireSamples.Manifests();

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_message_round_trips_through_the_configured_serializer(string manifest)
    {
        var message = WireSamples.ByManifest(manifest);

        var serializer = _serialization.FindSerializerFor(message);
        Assert.IsType<DuetSerializer>(serializer);
        Assert.Equal(4711, serializer.Identifier);
        Assert.Equal(manifest, AkkaSerialization.ManifestFor(serializer, message));

        var bytes = serializer.ToBinary(message);
        Assert.Equal(message is ShareOffer or ShareRun or ShareReceipt ? WireLimits.DeliveryFormatVersion : message is ITileMessage ? WireLimits.TileFormatVersion : WireLimits.FormatVersion, bytes[0]);
        var back = _serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.Equal(message, back);
        Assert.NotSame(message, back);
        Assert.Equal(message.GetHashCode(), back.GetHashCode());
    }

    [Fact]
    public void An_offer_of_the_first_delivery_format_or_half_signed_is_refused()
    {
        var offer = WireSamples.ShareOffer();
        var old = DuetSerializer.Encode(offer);
        old[0] = 1;
        Assert.Contains("version 1 is not supported", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(old, "SO")).Message, StringComparison.Ordinal);

        var unsigned = DuetSerializer.Encode(offer with { Signature = null });
        Assert.Equal(offer with { Signature = null }, DuetSerializer.Decode(unsigned, "SO"));
        unsigned[^1] = 2;
        Assert.Contains("signed = 2", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(unsigned, "SO")).Message, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(offer with { Signature = offer.Signature! with { Collectors = [] } }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(offer with { Signature = offer.Signature! with { Collectors = ["sha256:00"] } }));
    }

    [Fact]
    public void Messages_with_bytes_compare_by_content()
    {
        var block = WireSamples.EncryptedBlock();
        var copy = block with { Ciphertexts = (byte[])block.Ciphertexts.Clone() };
        Assert.Equal(block, copy);

        copy.Ciphertexts[5] ^= 1;
        Assert.NotEqual(block, copy);
        Assert.Contains("Ciphertexts = 24 bytes", block.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_truncation_is_rejected(string manifest)
    {
        var bytes = DuetSerializer.Encode(WireSamples.ByManifest(manifest));
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode(prefix, manifest));
            Assert.Contains("Malformed", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Trailing_garbage_is_rejected(string manifest)
    {
        var bytes = DuetSerializer.Encode(WireSamples.ByManifest(manifest));
        var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode([.. bytes, 0], manifest));
        Assert.Contains("trailing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void An_unknown_format_version_is_rejected(string manifest)
    {
        var bytes = DuetSerializer.Encode(WireSamples.ByManifest(manifest));
        bytes[0] = 3;
        var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, manifest));
        Assert.Contains("format version 3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("")]
    [InlineData("he")]
    [InlineData("Duet.Actors.Protocol.Hello, Duet.Actors")]
    public void An_unknown_manifest_is_rejected(string manifest)
    {
        var bytes = DuetSerializer.Encode(WireSamples.Hello());
        var serializer = _serialization.FindSerializerFor(WireSamples.Hello());
        var ex = Assert.Throws<SerializationException>(() => _serialization.Deserialize(bytes, serializer.Identifier, manifest));
        Assert.Contains("manifest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_under_another_message_manifest_are_rejected()
    {
        foreach (var (message, manifest) in WireSamples.All())
        {
            var bytes = DuetSerializer.Encode(message);
            foreach (var (_, other) in WireSamples.All())
            {
                // The block messages share one layout on purpose (BFV's admit wider ciphertexts), as do the two
                // cumulative grants of flow control (Credit, RevealCredit): the manifest tells them apart.
                if (other == manifest || (manifest is "EB" or "RB" or "LE" or "LR" && other is "EB" or "RB" or "LE" or "LR") || (manifest is "CR" or "RC" && other is "CR" or "RC"))
                {
                    continue;
                }

                Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, other));
            }
        }
    }

    [Fact]
    public void The_serializer_refuses_objects_that_are_not_protocol_messages()
    {
        Assert.Throws<ArgumentException>(() => DuetSerializer.Encode("hello"));
        Assert.Throws<ArgumentException>(() => DuetSerializer.ManifestFor(42));
        Assert.IsNotType<DuetSerializer>(_serialization.FindSerializerFor("not a protocol message"));
    }

    // Offsets in an EncryptedBlock: version 0, session 1..16, BlockIndex 17, FirstIndex 21, Count 25, Width 29, length 33, payload 37.
    [Theory]
    [InlineData(33, int.MaxValue)]
    [InlineData(33, -1)]
    [InlineData(33, 25)]
    [InlineData(33, 23)]
    [InlineData(33, 0)]
    [InlineData(25, 4)]
    [InlineData(25, 0)]
    [InlineData(25, -3)]
    [InlineData(25, int.MaxValue)]
    [InlineData(29, 0)]
    [InlineData(29, 9)]
    [InlineData(29, 1 << 20)]
    [InlineData(17, -1)]
    [InlineData(21, -1)]
    [InlineData(21, int.MaxValue)]
    public void A_corrupted_block_header_is_rejected_without_a_large_allocation(int offset, int value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.EncryptedBlock(count: 3, width: 8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "EB"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "decoding a corrupted length allocated too much");
    }

    [Theory]
    [InlineData(17, int.MaxValue)]
    [InlineData(17, -5)]
    [InlineData(17, 0)]
    [InlineData(17, 100_000)]
    public void A_corrupted_key_length_is_rejected(int offset, int value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.Key());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "KY"));
    }

    // Offsets in a Hello: Side 21, Domain 38, Reveal 39, Role 48; in an Abort: Reason 17.
    [Theory]
    [InlineData("HE", 21, 2)]
    [InlineData("HE", 38, 2)]
    [InlineData("HE", 39, 4)]
    [InlineData("HE", 48, 3)]
    [InlineData("HE", 48, 255)]
    [InlineData("AB", 17, 14)]
    [InlineData("AB", 17, 200)]
    public void An_out_of_range_enum_is_rejected(string manifest, int offset, byte value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.ByManifest(manifest));
        bytes[offset] = value;
        var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, manifest));
        Assert.Contains("is not a valid", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HE", 22, -1)] // Rows
    [InlineData("HE", 26, 0)] // Columns
    [InlineData("HE", 30, 0)] // InputBits
    [InlineData("HE", 34, -1)] // FractionBits
    [InlineData("HE", 40, -2048)] // KeyBits
    [InlineData("HE", 44, -40)] // Sigma
    [InlineData("CR", 17, -1)] // Granted
    [InlineData("RC", 17, -1)] // Granted
    [InlineData("RS", 17, -1)] // First
    [InlineData("RS", 21, 0)] // Count
    [InlineData("RS", 21, -4)] // Count
    [InlineData("RS", 21, 4)] // Count disagrees with the number of values
    public void Negative_or_inconsistent_counts_are_rejected(string manifest, int offset, int value)
    {
        var bytes = DuetSerializer.Encode(WireSamples.ByManifest(manifest));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, manifest));
    }

    [Fact]
    public void A_negative_done_count_or_a_short_digest_is_rejected()
    {
        var bytes = DuetSerializer.Encode(WireSamples.Done());
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(17), -1);
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "DN"));

        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(WireSamples.Done() with { Digest = new byte[31] }));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_rejected()
    {
        var bytes = DuetSerializer.Encode(WireSamples.Hello() with { PartyName = "abc" });
        bytes[^2] = 0xFF; // the name's last byte, before the scheme
        var ex = Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE"));
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hello_of_protocol_8_carries_its_link_hint_and_one_out_of_range_is_rejected()
    {
        var hello = WireSamples.Hello() with { ProtocolVersion = 8, LinkMbps = 20 };
        var bytes = DuetSerializer.Encode(hello);
        Assert.Equal(hello, DuetSerializer.Decode(bytes, "HE"));
        bytes.AsSpan(bytes.Length - 4).Clear(); // the hint, the last field, becomes 0 Mbit/s
        Assert.Contains("LinkMbps", Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "HE")).Message, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(hello with { ProtocolVersion = 7 }));
    }

    [Fact]
    public void Malformed_revealed_values_are_rejected()
    {
        // Three rows of one column: 0x00 0x05 is a non-minimal 5.
        var values = new byte[] { 1, 0, 0x07, 2, 0, 0x00, 0x05, 1, 0, 0xFF };
        var share = new RevealedShare(WireSamples.Session, 0, 3, values);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(share));

        var bytes = DuetSerializer.Encode(share with { Values = [1, 0, 0x07, 1, 0, 0x05, 1, 0, 0xFF] });
        bytes[^6] = 0x00; // the middle value's length prefix becomes 0 (then bytes follow as trailing garbage)
        Assert.Throws<SerializationException>(() => DuetSerializer.Decode(bytes, "RS"));
    }

    [Fact]
    public void A_block_whose_bytes_disagree_with_count_and_width_is_not_written()
    {
        var block = WireSamples.EncryptedBlock(count: 3, width: 8);
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(block with { Count = 4 }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(block with { Width = 0, Count = 0, Ciphertexts = [] }));
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(block with { BlockIndex = -1 }));
    }

    [Fact]
    public void A_block_of_256_ciphertexts_of_512_bytes_costs_at_most_64_bytes_over_its_payload()
    {
        var block = WireSamples.EncryptedBlock(count: 256, width: 512);
        var bytes = _serialization.FindSerializerFor(block).ToBinary(block);
        Assert.InRange(bytes.Length - (256 * 512), 1, 64);
    }

    [Fact]
    public void An_over_long_abort_text_is_cut_at_a_character_boundary()
    {
        var text = string.Concat(Enumerable.Repeat("é東", 2000)); // 5 UTF-8 bytes per repetition
        var back = (Abort)DuetSerializer.Decode(DuetSerializer.Encode(WireSamples.Abort() with { Text = text }), "AB");
        Assert.StartsWith(back.Text, text, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(back.Text), WireLimits.MaxAbortTextBytes - 3, WireLimits.MaxAbortTextBytes);
    }

    [Fact]
    public void A_party_name_over_the_limit_is_not_written()
    {
        var hello = WireSamples.Hello() with { PartyName = new string('x', WireLimits.MaxPartyNameBytes + 1) };
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(hello));
    }

    [Fact]
    public void Random_corruption_is_rejected_or_decodes_to_exactly_the_corrupted_bytes()
    {
        // The encoding is canonical: whatever decodes must encode back to the very same bytes.
        var random = new Random(4711);
        foreach (var (message, manifest) in WireSamples.All())
        {
            var valid = DuetSerializer.Encode(message);
            for (var trial = 0; trial < 2000; trial++)
            {
                var bytes = (byte[])valid.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                object decoded;
                try
                {
                    decoded = DuetSerializer.Decode(bytes, manifest);
                }
                catch (SerializationException)
                {
                    continue;
                }

                Assert.Equal(bytes, DuetSerializer.Encode(decoded));
            }
        }
    }

    [Fact]
    public void Session_ids_are_random()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => SessionIds.NewRandom()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.DoesNotContain(Guid.Empty, ids);
    }
}
