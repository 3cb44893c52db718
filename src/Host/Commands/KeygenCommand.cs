using System.CommandLine;
using System.Text;
using Duet.Crypto.Paillier;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary><c>duet keygen</c>: a Paillier private key as JSON, for a party that encrypts with a key of its own.</summary>
internal static class KeygenCommand
{
    public static Command Create(CommandConsole console)
    {
        var bits = new Option<int>("--bits") { HelpName = "BITS", Description = $"Modulus size: {Units.KeySizes} (3072 recommended).", DefaultValueFactory = _ => 3072 };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Key file to write (JSON, readable by its owner only).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing key file." };
        var form = WordOption.Create<KeyForm>("--key-form", "Key form: standard, or fast (experimental: 2048 or 3072 bits, see the README) [default: standard].");
        var command = new Command("keygen", "Generate a Paillier private key file for 'duet party --key'.") { bits, output, force, form };
        command.SetAction(parsed => Run(console, parsed.GetValue(bits), parsed.GetValue(output)!, parsed.GetValue(force), parsed.GetValue(form) ?? KeyForm.Standard));
        return command;
    }

    private static int Run(CommandConsole console, int bits, string path, bool force, KeyForm form)
    {
        if (!PaillierKeyGenerator.SupportedBits.Contains(bits))
        {
            throw new UsageException(Units.Invariant($"--bits {bits} is not supported; use {Units.KeySizes}"));
        }

        if (form == KeyForm.Fast && !FastKeyForm.SupportedBits.Contains(bits))
        {
            throw new UsageException(Units.Invariant($"--key-form fast supports --bits 2048 or 3072, not {bits}"));
        }

        if (File.Exists(path) && !force)
        {
            throw new UsageException($"--out {path}: the file exists; give --force to replace it");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var key = PaillierKeyGenerator.Generate(bits, form: form);
        var json = Encoding.UTF8.GetBytes(key.ToJson());
        // Created owner-only (0600): the file is never readable by others, not even before the key is written.
        MatrixFileAccess.WriteAtomically(path, stream => stream.Write(json), ownerOnly: true);
        console.Out.WriteLine(Units.Invariant($"wrote a {bits}-bit {Units.Words(form)} Paillier private key to {path} in {Units.Duration(started.Elapsed)}; keep it secret"));
        return ExitCodes.Success;
    }
}
