using System.Reflection;
using Duet.Actors.Wire;

namespace Duet.Fuzz.Tests;

/// <summary>The short deterministic fuzzing pass of CI: every target of tests/Duet.Fuzz gets its seeds and a few
/// thousand fixed-seed mutants of them, and must answer each with a decoded value or a typed error.</summary>
public class DecoderFuzzTests
{
    /// <summary>Mutants per target: the whole pass takes about 15 s on 2 cores.</summary>
    private const int Mutants = 4000;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    /// <summary>Targets whose seeds are their own valid encodings (a message type added without a sample in
    /// <see cref="Seeds"/> is fuzzed from the other messages' seeds instead).</summary>
    public static TheoryData<string> TargetsWithOwnSeeds() => [.. FuzzTargets.All.Where(HasOwnSeeds).Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutants_decode_or_fail_with_a_typed_error(string name)
    {
        var target = FuzzTargets.Find(name);
        var result = MutationPass.Run(target, Mutants, MutationPass.DefaultSeed);

        Assert.Empty(result.Findings);
        Assert.Equal(result.Inputs, result.Decoded + result.TypedErrors);
        // The mutants reach the decoder's checks: a good share is refused (a tenth even of the lenient HOCON parser), some decode.
        Assert.InRange(result.TypedErrors, Mutants / 10, result.Inputs);
        Assert.InRange(result.Decoded, HasOwnSeeds(target) ? target.Seeds.Count : 0, result.Inputs);
    }

    [Theory]
    [MemberData(nameof(TargetsWithOwnSeeds))]
    public void Seeds_are_valid_encodings(string name)
    {
        var target = FuzzTargets.Find(name);
        Assert.NotEmpty(target.Seeds);
        Assert.All(target.Seeds, seed => Assert.Null(target.Refusal(seed)));
    }

    /// <summary>Every <c>…Manifest</c> constant of the wire codecs (<see cref="DuetSerializer"/>'s for the protocol
    /// messages, TileCodec's for the tile messages, and any codec added to their namespace) is a target, under
    /// <c>wire-</c> when a protocol message type has it, <c>tile-</c> when a tile message type does and <c>node-</c> when a
    /// message between a party's nodes does.</summary>
    [Fact]
    public void Every_manifest_of_the_wire_codecs_is_a_target()
    {
        var codecs = typeof(DuetSerializer).Assembly.GetTypes().Where(t => t.Namespace == typeof(DuetSerializer).Namespace).ToList();
        var constants = codecs
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Manifest", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        var wire = FuzzTargets.WireManifests();
        var tile = FuzzTargets.TileManifests();
        var node = FuzzTargets.NodeManifests();

        Assert.Contains(codecs, t => t.Name == "TileCodec");
        Assert.Superset(new HashSet<string> { "HE", "CF", "RS" }, wire.ToHashSet());
        Assert.Superset(new HashSet<string> { "ET", "VT", "DT", "ER", "VR", "DR", "TF" }, tile.ToHashSet());
        Assert.Superset(new HashSet<string> { "WR", "SP", "SK", "AC", "AA" }, node.ToHashSet());
        Assert.Empty(wire.Intersect(tile));
        Assert.Empty(wire.Concat(tile).Intersect(node));
        Assert.Equal(constants, wire.Concat(tile).Concat(node).ToHashSet());
        Assert.All(wire, manifest => Assert.Contains(FuzzTargets.All, t => t.Name == $"wire-{manifest}"));
        Assert.All(tile, manifest => Assert.Contains(FuzzTargets.All, t => t.Name == $"tile-{manifest}"));
        Assert.All(node, manifest => Assert.Contains(FuzzTargets.All, t => t.Name == $"node-{manifest}"));
    }

    [Fact]
    public void An_unknown_manifest_is_a_typed_error()
    {
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => DuetSerializer.Decode([1], "??"));
        Assert.Contains("Unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mutator_is_deterministic()
    {
        byte[][] seeds = [[1, 2, 3, 4, 5, 6, 7, 8], [0x7B, 0x7D]];

        var first = new Mutator(7).Inputs(seeds, 500).ToList();
        var again = new Mutator(7).Inputs(seeds, 500).ToList();
        var other = new Mutator(8).Inputs(seeds, 500).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Skip(seeds.Length).Distinct(ByteArrays.Comparer).Count() > 250, "the mutants should mostly differ");
    }

    private static bool HasOwnSeeds(FuzzTarget target) =>
        FuzzTargets.ManifestOf(target) is not { } manifest || Seeds.HasMessageSamples(manifest);

    private sealed class ByteArrays : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrays Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[0], obj[^1]);
    }
}
