using System.Numerics;
using System.CommandLine;
using Duet.Actors;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet reveal</c>: the product from the two parties' share files. The metadata written beside each share says
/// whether the two belong together and what scale the product carries, so the user supplies neither.
/// </summary>
internal static class RevealCommand
{
    public static Command Create(CommandConsole console)
    {
        var a = new Option<string>("--a") { HelpName = "FILE", Description = "One party's share file.", Required = true };
        var b = new Option<string>("--b") { HelpName = "FILE", Description = "The other party's share file.", Required = true };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Product file to write (.csv or .npy).", Required = true };
        var share = WordOption.Create<ShareDomain>("--share", "Share domain; read from the shares' metadata, needed only with --unchecked [default there: ring64].");
        var fractionBits = new Option<int?>("--frac-bits")
        {
            HelpName = "BITS",
            Description = "Fraction bits of the product; read from the shares' metadata, needed only with --unchecked [default there: 0].",
        };
        var unchecked_ = new Option<bool>("--unchecked") { Description = "Add two files without duet metadata (shares made elsewhere); nothing checks that they belong together." };
        var command = new Command("reveal", "Add the two parties' share files into the product.") { a, b, output, share, fractionBits, unchecked_ };
        command.SetAction(parsed => Run(
            console,
            parsed.GetValue(a)!,
            parsed.GetValue(b)!,
            parsed.GetValue(output)!,
            parsed.GetValue(share),
            parsed.GetValue(fractionBits),
            parsed.GetValue(unchecked_)));
        return command;
    }

    /// <summary>The command a party's summary prints, for whoever will hold both shares.</summary>
    /// <summary>The reveal command for this party's share, which goes to --a (left) or --b (right) by its side.</summary>
    public static string CommandFor(string ownShare, string productPath, OperandSide side) => side == OperandSide.Left
        ? $"duet reveal --a {ownShare} --b <the peer's share file> --out {productPath}"
        : $"duet reveal --a <the peer's share file> --b {ownShare} --out {productPath}";

    private static int Run(CommandConsole console, string a, string b, string output, ShareDomain? share, int? fractionBits, bool isUnchecked)
    {
        OutputFiles.Check(output, "--out");
        var metadata = isUnchecked ? null : Metadata(a, b, share, fractionBits);
        var domain = metadata?.ShareDomain ?? share ?? ShareDomain.Ring64;
        var bits = metadata?.FractionBits ?? fractionBits ?? 0;
        if (bits < 0 || bits > 2 * FixedPoint.MaxInputBits)
        {
            throw new UsageException(Units.Invariant($"--frac-bits must lie in [0, {2 * FixedPoint.MaxInputBits}], got {bits}"));
        }

        var shareA = MatrixFiles.ReadIntegers(a);
        var shareB = MatrixFiles.ReadIntegers(b);
        if (shareA.Rows != shareB.Rows || shareA.Columns != shareB.Columns)
        {
            throw new UsageException(Units.Invariant($"the shares have different shapes: {a} is {shareA.Rows}x{shareA.Columns}, {b} is {shareB.Rows}x{shareB.Columns}"));
        }

        if (metadata is not null && (shareA.Rows != metadata.Rows || shareA.Columns != metadata.Columns))
        {
            throw new UsageException(Units.Invariant($"the shares are {shareA.Rows}x{shareA.Columns}, not {metadata.Rows}x{metadata.Columns} as their metadata says (changed since they were written?)"));
        }

        console.Out.WriteLine($"wrote {WriteProduct(output, shareA, shareB, domain, bits)} to {output}");
        return ExitCodes.Success;
    }

    /// <summary>Adds two shares in their domain and writes the product, its scale divided out; returns what it wrote.</summary>
    internal static string WriteProduct(string output, Matrix<BigInteger> shareA, Matrix<BigInteger> shareB, ShareDomain domain, int fractionBits)
    {
        var product = Shares.Reconstruct(shareA, shareB, domain);
        OutputFiles.WriteProduct(output, product, fractionBits);
        var kind = fractionBits > 0 ? Units.Invariant($"reals (scale 2^-{fractionBits})") : "integers";
        return Units.Invariant($"the {product.Rows}x{product.Columns} product ({kind}, {Units.Words(domain)} shares)");
    }

    /// <summary>The two shares' metadata, checked to belong together and against what the user passed.</summary>
    private static ShareMetadata Metadata(string a, string b, ShareDomain? share, int? fractionBits)
    {
        if (new[] { a, b }.FirstOrDefault(path => !File.Exists(path)) is { } missing)
        {
            throw new UsageException($"{missing}: file not found");
        }

        var metaA = ShareMetadata.ReadBeside(a);
        ShareMetadata.CheckPair(metaA, a, ShareMetadata.ReadBeside(b), b);
        if (share is { } givenDomain && givenDomain != metaA.ShareDomain)
        {
            throw new UsageException($"--share {Units.Words(givenDomain)}: these are {metaA.Domain} shares ({metaA}); leave --share out");
        }

        if (fractionBits is { } givenBits && givenBits != metaA.FractionBits)
        {
            throw new UsageException(Units.Invariant($"--frac-bits {givenBits}: the product carries {metaA.FractionBits} fraction bits ({metaA}); leave --frac-bits out"));
        }

        return metaA;
    }
}
