using Duet.Crypto;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet party --resume</c> before the run: whether this run keeps a journal, and for a resume the journal read back
/// and checked against this party's own input and settings (refused here, locally: the digests never travel), its
/// session handed to the runtime with the encryptor's journaled key.
/// </summary>
internal static class PartyResume
{
    /// <summary>The journal plan of a streamed run (null for a run that keeps no journal) and its settings, resumed or not.</summary>
    public static (JournalPlan? Plan, PartySettings Settings) Prepare(bool resume, string? sharePath, bool streamed, PartySettings settings, IOperandRows input)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(input);
        if (resume && (!streamed || sharePath is null))
        {
            throw new UsageException("--resume continues a streamed run only: not with --deliver-to, and it needs --output");
        }

        if (!streamed || sharePath is null)
        {
            return (null, settings);
        }

        var (inputDigest, settingsDigest) = (InputDigest(input), SettingsDigest(settings));
        var path = SessionJournalFile.PathFor(sharePath);
        var partial = SessionJournalFile.PartialFor(sharePath);
        var discard = $"delete {path} and {partial} to start again";
        if (!resume)
        {
            return File.Exists(path)
                ? throw new UsageException($"{path} holds an interrupted run: add --resume (on both parties) to continue it, or {discard}")
                : (new JournalPlan(inputDigest, settingsDigest, null), settings);
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"--resume: no journal {path}, so there is no interrupted run of --output {sharePath} to continue; run without --resume");
        }

        JournalContents contents;
        SessionResume session;
        try
        {
            (contents, session) = ReadJournal(File.ReadAllBytes(path));
        }
        catch (FormatException error)
        {
            throw new UsageException($"--resume: the journal {path} cannot be read: {error.Message}; {discard}", error);
        }

        if (!contents.Header.InputDigest.AsSpan().SequenceEqual(inputDigest))
        {
            throw new UsageException($"--resume: this --input is not the one the interrupted run used (its SHA-256 differs from the journal's); resume with the same input, or {discard}");
        }

        if (!contents.Header.SettingsDigest.AsSpan().SequenceEqual(settingsDigest))
        {
            throw new UsageException($"--resume: the session settings (side, bits, share domain, scheme, role, key size, sigma) differ from the interrupted run's; resume with the same ones, or {discard}");
        }

        if (contents.Header.PartialName != Path.GetFileName(partial) || !File.Exists(partial))
        {
            throw new UsageException($"--resume: the partial share {partial} of the interrupted run is missing; {discard}");
        }

        return (new JournalPlan(inputDigest, settingsDigest, contents), settings with { Resume = session with { Secret = contents.Header.Secret }, KeyBits = session.Mine.KeyBits });
    }

    /// <summary>A journal's records and the session they resume; anything malformed is a <see cref="FormatException"/>.</summary>
    internal static (JournalContents Contents, SessionResume Session) ReadJournal(ReadOnlySpan<byte> bytes)
    {
        var contents = SessionJournalFile.Read(bytes);
        return (contents, SessionResume.Decode(contents.Header.State, contents.Committed) with
        {
            Operand = contents.Operand is { } operand ? EncryptedOperand.Decode(operand) : null,
            RevealBegan = contents.RevealBegan,
        });
    }

    /// <summary>The summary's word on a resumed run: the tiles skipped and those computed.</summary>
    public static string Describe(PartyStatistics s, PartySettings settings)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Resume is null ? string.Empty : Units.Invariant($", resumed {Units.Count(s.ResumedTiles, "tile")} ({Units.Count(s.ResultTiles, "tile")} computed now)");
    }

    /// <summary>A failed run whose journal was kept says how to continue it (before its error line).</summary>
    public static Task<PartyResult> HintAfter(Task<PartyResult> run, PartyJournal? kept, CommandConsole console)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(console);
        if (run.IsFaulted && kept is not null)
        {
            console.Note("note", Units.Invariant($"{kept.Path} keeps {Units.Count(kept.CommittedTiles, "committed tile")} of this run: run both parties again with --resume to continue it"));
        }

        return run;
    }

    /// <summary>SHA-256 of this party's encoded input: its shape and its entries as little-endian int64, read by
    /// blocks of rows (the digest of journals written when inputs were read whole).</summary>
    internal static byte[] InputDigest(IOperandRows input)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the journal's input digest assumes a little-endian machine");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes($"{input.Rows}x{input.Columns}:"));
        var step = Math.Max(1, OperandFile.BlockEntries / input.Columns);
        var block = new long[step * input.Columns];
        for (var first = 0; first < input.Rows; first += step)
        {
            var rows = Math.Min(step, input.Rows - first);
            var entries = block.AsSpan(0, rows * input.Columns);
            input.Read(first, rows, entries);
            hash.AppendData(MemoryMarshal.AsBytes(entries));
        }

        return hash.GetHashAndReset();
    }

    /// <summary>SHA-256 of the settings that decide the session and its share.</summary>
    private static byte[] SettingsDigest(PartySettings s) => SHA256.HashData(Encoding.UTF8.GetBytes(Units.Invariant(
        $"{s.Side}|{s.InputBits}|{s.FractionBits}|{s.Domain}|{s.Scheme}|{s.Reveal}|{s.Role}|{s.Sigma}|{s.ProtocolVersion}")));
}
