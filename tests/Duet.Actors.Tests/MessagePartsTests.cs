using System.Runtime.Serialization;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;

namespace Duet.Actors.Tests;

/// <summary>A message larger than the frame's payload goes in parts that join back into the same message; parts out
/// of order, of two messages, or that join into bytes of another kind are refused.</summary>
public sealed class MessagePartsTests
{
    private static readonly EncryptedBlock Block = WireSamples.WideBlock(width: 100_000);

    [Fact]
    public void A_block_over_the_payload_is_cut_into_parts_that_join_into_the_same_block()
    {
        var parts = MessageParts.Fit(Block, 30_000).ToList();
        Assert.Equal(4, parts.Count);
        Assert.All(parts, part => Assert.True(DuetSerializer.Encode(part).Length <= 30_000 + 64));
        var assembler = new MessageAssembler();
        Assert.All(parts.Take(3), part => Assert.Null(assembler.Add((MessagePart)part)));
        Assert.Equal(Block, assembler.Add((MessagePart)parts[3]));
        Assert.Same(Block, Assert.Single(MessageParts.Fit(Block, 200_000)));
        Assert.Single(MessageParts.Fit(WireSamples.Credit(), 10));
    }

    [Fact]
    public void Parts_out_of_order_or_of_two_messages_or_of_another_kind_are_refused()
    {
        var parts = MessageParts.Fit(Block, 30_000).Cast<MessagePart>().ToList();
        Assert.Throws<SerializationException>(() => new MessageAssembler().Add(parts[1]));

        var mixed = new MessageAssembler();
        mixed.Add(parts[0]);
        Assert.Throws<SerializationException>(() => mixed.Add(parts[1] with { Count = 5 }));

        var relabelled = new MessageAssembler();
        Assert.Throws<SerializationException>(() => parts.Select(p => p with { Manifest = DuetSerializer.KeyManifest }).Select(relabelled.Add).ToList());
        Assert.Throws<SerializationException>(() => DuetSerializer.Encode(parts[0] with { Manifest = DuetSerializer.CreditManifest }));
    }
}
