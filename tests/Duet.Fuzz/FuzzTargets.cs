using Duet.Crypto;
using Duet.Crypto.Schemes;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Configuration;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Paillier;
using Duet.Host.Commands;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Fuzz;

/// <summary>Every decoder that reads bytes from outside: one target per manifest of a protocol message (from the peer)
/// and of a tile or node message (from another node of the party), the two key decoders, the two matrix file readers, the
/// HOCON settings and the resume journal.</summary>
public static class FuzzTargets
{
    private static readonly Lazy<IReadOnlyList<FuzzTarget>> LazyAll = new(() =>
    [
        .. WireManifests().Select(manifest => Message("wire", manifest)),
        .. TileManifests().Select(manifest => Message("tile", manifest)),
        .. NodeManifests().Select(manifest => Message("node", manifest)),
        new FuzzTarget("public-key", DecodePublicKey, e => e is InvalidKeyException, Seeds.PublicKeys),
        new FuzzTarget("private-key", DecodePrivateKey, e => e is InvalidKeyException, Seeds.PrivateKeys),
        new FuzzTarget("bfv-key", DecodeBfvKey, e => e is InvalidKeyException or KeyRefusedException, Seeds.BfvKeys),
        new FuzzTarget("bfv-ciphertext", DecodeBfvCiphertext, e => e is InvalidCiphertextException, Seeds.BfvCiphertexts),
        new FuzzTarget("npy", input => ReadMatrix(input, ".npy"), e => e is MatrixFileException, Seeds.Npy),
        new FuzzTarget("csv", input => ReadMatrix(input, ".csv"), e => e is MatrixFileException, Seeds.Csv),
        new FuzzTarget("hocon", DecodeSettings, IsHoconError, Seeds.Hocon),
        new FuzzTarget("journal", input => PartyResume.ReadJournal(input), e => e is FormatException, Seeds.Journals),
    ]);

    public static IReadOnlyList<FuzzTarget> All => LazyAll.Value;

    public static FuzzTarget Find(string name) =>
        All.SingleOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));

    /// <summary>The manifest of every protocol message type. duet.conf binds the whole <see cref="IProtocolMessage"/>
    /// interface to <see cref="DuetSerializer"/>, so each of them is a decoder of the peer's bytes, and a message type
    /// added later is fuzzed without touching this list.</summary>
    public static IReadOnlyList<string> WireManifests() => ManifestsOf(typeof(IProtocolMessage));

    /// <summary>The manifest of every tile message type: duet.conf binds <see cref="ITileMessage"/> to the same
    /// serializer, so a tile computed on another node of the party arrives as bytes over a cluster link.</summary>
    public static IReadOnlyList<string> TileManifests() => ManifestsOf(typeof(ITileMessage));

    /// <summary>The manifest of every message between the nodes of one party (<see cref="INodeMessage"/>, bound to the
    /// same serializer): a worker's registration and the parts of a session's set-up.</summary>
    public static IReadOnlyList<string> NodeManifests() => ManifestsOf(typeof(INodeMessage));

    /// <summary>The message manifest a <c>wire-XX</c> or <c>tile-XX</c> target decodes, or null for another target.</summary>
    public static string? ManifestOf(FuzzTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Name.Split('-', 2) is ["wire" or "tile" or "node", var manifest] ? manifest : null;
    }

    private static string[] ManifestsOf(Type binding) =>
    [
        .. binding.Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && binding.IsAssignableFrom(t))
            .Select(t => DuetSerializer.ManifestFor(RuntimeHelpers.GetUninitializedObject(t)))
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];

    private static FuzzTarget Message(string prefix, string manifest) =>
        new($"{prefix}-{manifest}", input => DecodeMessage(input, manifest), e => e is SerializationException, () => Seeds.Message(manifest));

    /// <summary>Decodes as the remote transport does, then checks that the message writes back to the same bytes: the
    /// encoding is canonical, so a decoded message the encoder refuses or writes differently is a bug too.</summary>
    private static void DecodeMessage(byte[] input, string manifest)
    {
        var message = DuetSerializer.Decode(input, manifest);
        if (DuetSerializer.ManifestFor(message) != manifest || !DuetSerializer.Encode(message).AsSpan().SequenceEqual(input))
        {
            throw new InvalidOperationException($"{manifest}: a decoded message does not encode back to its {input.Length} bytes.");
        }
    }

    private static void DecodePublicKey(byte[] input)
    {
        PaillierPublicKey.FromBytes(input);
    }

    /// <summary>A BFV key message as the evaluator reads it for <see cref="Seeds.BfvPlan"/>.</summary>
    private static void DecodeBfvKey(byte[] input)
    {
        using var evaluator = MatrixSchemes.Of(Scheme.Bfv).CreateEvaluator(Seeds.BfvPlan.Value, input, new EvaluatorPolicy(2048, false, null));
    }

    /// <summary>A fresh BFV ciphertext as the evaluator absorbs it under the seed key of <see cref="Seeds.BfvPlan"/>.</summary>
    private static void DecodeBfvCiphertext(byte[] input)
    {
        using var evaluator = MatrixSchemes.Of(Scheme.Bfv).CreateEvaluator(Seeds.BfvPlan.Value, Seeds.BfvKeys()[0], new EvaluatorPolicy(2048, false, null));
        evaluator.Absorb(0, 1, input);
    }

    private static void DecodePrivateKey(byte[] input)
    {
        // As `duet party --key` reads the file: UTF-8, invalid bytes replaced.
        using var key = PaillierPrivateKey.FromJson(Encoding.UTF8.GetString(input));
    }

    /// <summary>Reads the input as a matrix file the way every command does, then converts it as they do.</summary>
    private static void ReadMatrix(byte[] input, string extension)
    {
        var path = ScratchFile.Write(input, extension);
        var matrix = MatrixFiles.Read(path);
        _ = matrix.IsInteger ? matrix.ToBigInteger().Rows : matrix.ToFloat64().Rows;
    }

    /// <summary>As <c>duet party --config</c> reads its file: the guarded parse, then the <c>duet</c> settings.</summary>
    private static void DecodeSettings(byte[] input) =>
        HoconText.Settings(HoconText.Parse(Encoding.UTF8.GetString(input), "input"), "input");

    /// <summary>The host turns every failure of Akka's parser and getters into a <see cref="UsageException"/>; stricter
    /// than the host, a cause that is a bug (a null dereference, an index out of range, a bad cast) is a finding here.</summary>
    private static bool IsHoconError(Exception error) =>
        error is ArgumentException
        || (error is UsageException && Cause(error.InnerException) is null or FormatException or OverflowException or ConfigurationException);

    /// <summary>What an error that names the key (an ArgumentException) wraps: the getter's own failure, or null.</summary>
    private static Exception? Cause(Exception? error) => error is ArgumentException named ? Cause(named.InnerException) : error;
}
