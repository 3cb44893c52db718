using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Duet.Actors;
using Duet.Actors.Delivery;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Host.Configuration;
using Duet.Host.Files;

namespace Duet.Host.Outputs;

/// <summary>
/// What a share file is a share of, in a small JSON file beside it (<c>share.npy.duet.json</c>): the session, the
/// operand side of the party that wrote it, the share domain, the product's fraction bits, its shape and the session's
/// transcript digest. <c>duet reveal</c> reads it to refuse a pair that does not add up to a product and to apply the
/// product's scale itself; <c>duet deliver</c> sends its facts to the collector.
/// </summary>
/// <param name="Transcript">The session's transcript digest (64 hex digits), which both parties checked; null in
/// metadata written before it was recorded.</param>
internal sealed record ShareMetadata(string Format, Guid Session, string Side, string Domain, int FractionBits, int Rows, int Columns, string? Transcript)
{
    private const string CurrentFormat = "duet-share/1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The metadata file beside a share file.</summary>
    public static string PathBeside(string sharePath) => sharePath + ".duet.json";

    public static ShareMetadata Of(PartyResult result, OperandSide side)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Of(result.Statistics.SessionId, side, result.Domain, result.ProductFractionBits, result.ProductShape.Rows, result.ProductShape.Columns, result.TranscriptDigest);
    }

    /// <summary>The metadata of a share that a collector received.</summary>
    public static ShareMetadata Of(DeliveredShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return Of(share.SessionId, share.Side, share.Domain, share.FractionBits, share.Values.Rows, share.Values.Columns, share.Transcript);
    }

    private static ShareMetadata Of(Guid session, OperandSide side, ShareDomain domain, int fractionBits, int rows, int columns, byte[] transcript) =>
        new(CurrentFormat, session, Units.Words(side), Units.Words(domain), fractionBits, rows, columns, Convert.ToHexStringLower(transcript));

    public ShareDomain ShareDomain => PartySettings.ParseEnum<ShareDomain>(Domain, "domain");

    /// <summary>The transcript digest a delivery carries, or a one-line refusal for metadata that has none.</summary>
    public byte[] TranscriptDigest(string sharePath) => Transcript is null
        ? throw new UsageException(
            $"{PathBeside(sharePath)}: no transcript digest (metadata written by an older duet); a collector accepts a share only with its session's transcript digest, so this share cannot be delivered: run the session again with --deliver-to")
        : Convert.FromHexString(Transcript);

    /// <summary>Written beside the share, in the same WriteTogether group, so the two appear together.</summary>
    public void WriteBeside(string sharePath) =>
        MatrixFileAccess.WriteAtomically(PathBeside(sharePath), stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>The metadata of a share file, or a one-line refusal when it has none or it is not readable.</summary>
    public static ShareMetadata ReadBeside(string sharePath)
    {
        var path = PathBeside(sharePath);
        if (!File.Exists(path))
        {
            throw new UsageException(
                $"{sharePath}: no {Path.GetFileName(path)} beside it, so it is not a share written by 'duet party' (an input matrix, or a copy without its metadata); give --unchecked with --share and --frac-bits to add two files you vouch for");
        }

        try
        {
            var metadata = JsonSerializer.Deserialize<ShareMetadata>(File.ReadAllText(path), Json);
            if (metadata is not { Format: CurrentFormat, Side: "left" or "right", FractionBits: >= 0, Rows: > 0, Columns: > 0 }
                || metadata.Transcript is not null && (metadata.Transcript.Length != 2 * SHA256.HashSizeInBytes || !metadata.Transcript.All(char.IsAsciiHexDigit)))
            {
                throw new JsonException($"not a {CurrentFormat} metadata file");
            }

            _ = metadata.ShareDomain; // a word that names no domain throws here
            return metadata;
        }
        catch (Exception error) when (error is JsonException or ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"{path}: unreadable share metadata: {error.Message}", error);
        }
    }

    /// <summary>Refuses a pair that does not add up to one product: other sessions, one side twice, other domains.</summary>
    public static void CheckPair(ShareMetadata a, string pathA, ShareMetadata b, string pathB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var problem =
            a.Session != b.Session ? $"they come from two different sessions ({a.Session} and {b.Session})"
            : a.Side == b.Side ? $"both are the {a.Side} party's share (the same file twice?)"
            : a.Domain != b.Domain ? $"their share domains differ ({a.Domain} and {b.Domain})"
            : a.FractionBits != b.FractionBits || a.Rows != b.Rows || a.Columns != b.Columns ? "their metadata disagree on the product's shape or scale"
            : a.Transcript is not null && b.Transcript is not null && !a.Transcript.Equals(b.Transcript, StringComparison.OrdinalIgnoreCase)
                ? "their session transcript digests differ (not the two shares of one finished session)"
            : null;
        if (problem is not null)
        {
            throw new UsageException($"{pathA} and {pathB} are not the two shares of one product: {problem}");
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"session {Session}, {Domain} shares, {Rows}x{Columns}, {FractionBits} fraction bits");
}
