using System.CommandLine;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Host.Files;

namespace Duet.Host.Commands;

/// <summary><c>duet reveal</c>: the product from the two parties' share files.</summary>
internal static class RevealCommand
{
    public static Command Create(CommandConsole console)
    {
        var a = new Option<string>("--a") { HelpName = "FILE", Description = "One party's share file.", Required = true };
        var b = new Option<string>("--b") { HelpName = "FILE", Description = "The other party's share file.", Required = true };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Product file to write (.csv or .npy).", Required = true };
        var share = new Option<string>("--share") { Description = "Share domain the shares were made in.", DefaultValueFactory = _ => "ring64" };
        share.AcceptOnlyFromAmong("ring64", "integer");
        var fractionBits = new Option<int>("--frac-bits")
        {
            HelpName = "BITS",
            Description = "Fraction bits of the product (both operands' fraction bits added); > 0 writes reals.",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("reveal", "Add two share files into the product.") { a, b, output, share, fractionBits };
        command.SetAction(parsed => Run(
            console,
            parsed.GetValue(a)!,
            parsed.GetValue(b)!,
            parsed.GetValue(output)!,
            PartySettings.ParseEnum<ShareDomain>(parsed.GetValue(share)!, "--share"),
            parsed.GetValue(fractionBits)));
        return command;
    }

    private static int Run(CommandConsole console, string a, string b, string output, ShareDomain domain, int fractionBits)
    {
        if (fractionBits < 0 || fractionBits > 2 * FixedPoint.MaxInputBits)
        {
            throw new UsageException(Units.Invariant($"--frac-bits must lie in [0, {2 * FixedPoint.MaxInputBits}], got {fractionBits}"));
        }

        Outputs.Check(output, "--out");
        var shareA = MatrixFiles.ReadIntegers(a);
        var shareB = MatrixFiles.ReadIntegers(b);
        if (shareA.Rows != shareB.Rows || shareA.Columns != shareB.Columns)
        {
            throw new UsageException(Units.Invariant($"the shares have different shapes: {a} is {shareA.Rows}x{shareA.Columns}, {b} is {shareB.Rows}x{shareB.Columns}"));
        }

        var product = Shares.Reconstruct(shareA, shareB, domain);
        Outputs.WriteProduct(output, product, fractionBits);
        var kind = fractionBits > 0 ? Units.Invariant($"reals (scale 2^-{fractionBits})") : "integers";
        console.Out.WriteLine(Units.Invariant($"wrote the {product.Rows}x{product.Columns} product ({kind}, {domain.ToString().ToLowerInvariant()} shares) to {output}"));
        return ExitCodes.Success;
    }
}
