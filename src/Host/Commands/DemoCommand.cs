using Duet.Crypto.Schemes;
using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Duet.Actors;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Host.Configuration;
using Duet.Host.Files;
using Duet.Host.Outputs;

namespace Duet.Host.Commands;

/// <summary>
/// <c>duet demo</c>: both parties in this process on loopback remoting, then the product reconstructed from the two
/// shares and checked against the plaintext product.
/// </summary>
internal static class DemoCommand
{
    private const string Loopback = "127.0.0.1";

    // After one party fails, the other has this long to learn it from the peer before it is cancelled.
    private static readonly TimeSpan PeerGrace = TimeSpan.FromSeconds(10);

    // |P| < 2^(2·24 + ⌈log2 K⌉) stays below ring64's exact 2^63 for any --inner up to 2^15: the first product is the integer one.
    internal const int DefaultInputBits = 24;

    public static Command Create(CommandConsole console)
    {
        var rows = new Option<int>("--rows") { HelpName = "M", Description = "Rows M of the left matrix X (M×K), when generated.", DefaultValueFactory = _ => 1000 };
        var inner = new Option<int>("--inner") { HelpName = "K", Description = "Inner dimension K, when generated.", DefaultValueFactory = _ => 100 };
        var cols = new Option<int>("--cols") { HelpName = "N", Description = "Columns N of the right matrix Y (K×N), when generated.", DefaultValueFactory = _ => 10 };
        var keyBits = new Option<int>("--key-bits") { HelpName = "BITS", Description = $"Paillier modulus size: {Units.KeySizes}.", DefaultValueFactory = _ => 2048 };
        var inputBits = new Option<int>("--input-bits") { HelpName = "BITS", Description = "Declared bound of both operands' entries: |x| < 2^b (after fixed-point scaling); the default keeps ring64 products exact up to --inner 32768; 32 takes most of them past 2^63.", DefaultValueFactory = _ => DefaultInputBits };
        var fractionBits = new Option<int>("--frac-bits") { HelpName = "BITS", Description = "Fixed-point fraction bits of both operands; > 0 makes generated matrices reals in (-1, 1).", DefaultValueFactory = _ => PartySettings.Defaults.FractionBits };
        var x = new Option<string?>("--x") { HelpName = "FILE", Description = "Left matrix file (.csv or .npy) instead of a generated one." };
        var y = new Option<string?>("--y") { HelpName = "FILE", Description = "Right matrix file (.csv or .npy) instead of a generated one." };
        var header = new Option<bool>("--header") { Description = "CSV inputs start with a header line." };
        var share = WordOption.Create<ShareDomain>("--share", "Share domain; integer keeps every product entry exact, ring64 holds it mod 2^64 [default: duet.session.share-domain].");
        var reveal = WordOption.Create<Reveal>("--reveal", "Who also receives the product from the protocol, by operand side; it is checked too [default: duet.session.reveal].");
        var keyForm = WordOption.Create<KeyForm>("--key-form", "Form of the encryptor's Paillier key: standard, or fast (experimental, see the README) [default: duet.session.key-form].");
        var scheme = WordOption.Create<Scheme>("--scheme", "Homomorphic scheme: bfv (lattice; far less work, bounds and shapes limited by docs/lattice.md), paillier, or auto (bfv where it carries the product, else paillier) [default: duet.session.scheme].");
        var command = new Command("demo", "Run both parties in this process on loopback and check the reconstructed product.")
        {
            rows, inner, cols, keyBits, inputBits, fractionBits, x, y, header, share, reveal, keyForm, scheme,
        };
        command.SetAction((parsed, cancellation) => RunAsync(
            console,
            new DemoOptions(
                parsed.GetValue(rows),
                parsed.GetValue(inner),
                parsed.GetValue(cols),
                parsed.GetValue(keyBits),
                parsed.GetValue(inputBits),
                parsed.GetValue(fractionBits),
                parsed.GetValue(x),
                parsed.GetValue(y),
                parsed.GetValue(header),
                parsed.GetValue(share) ?? PartySettings.Defaults.Domain,
                parsed.GetValue(reveal) ?? PartySettings.Defaults.Reveal,
                parsed.GetValue(keyForm) ?? PartySettings.Defaults.KeyForm,
                parsed.GetValue(scheme) ?? PartySettings.Defaults.Scheme),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(CommandConsole console, DemoOptions options, CancellationToken cancellation)
    {
        var (left, right) = Operands(options);
        var settings = PartySettings.Defaults with
        {
            InputBits = options.InputBits,
            FractionBits = options.FractionBits,
            Domain = options.Domain,
            Reveal = options.Reveal,
            KeyBits = options.KeyBits,
            KeyForm = options.KeyForm,

            // The demo runs both parties: asking for a fast key is the evaluator's opt-in too.
            AcceptFastKey = options.KeyForm == KeyForm.Fast,
            Scheme = options.Scheme,
        };
        var leftSettings = settings with { Name = "left", Side = OperandSide.Left };
        var rightSettings = settings with { Name = "right", Side = OperandSide.Right };
        leftSettings.Validate();

        var output = console.Out;
        output.WriteLine($"left  X: {left.Description}");
        output.WriteLine($"right Y: {right.Description}");
        output.WriteLine(Units.Invariant(
            $"{Units.Words(options.Scheme)}, {Units.Words(options.Domain)} shares, {options.KeyBits}-bit {Units.Words(options.KeyForm)} keys, sigma {settings.Sigma}, reveal {Units.Words(options.Reveal)}, mutual TLS, {Units.Count(settings.EffectiveWorkers, "worker")} per party, arithmetic backend {Backends.Current}"));

        console.LogFile = AkkaLog.DefaultFile("demo");
        var log = AkkaLog.Configuration(console.LogFile);
        var (leftResult, rightResult) = await ProgressDisplay.RunAsync(
            console,
            display => RunBothAsync(leftSettings, left.Encoded, rightSettings, right.Encoded, display, log, cancellation)).ConfigureAwait(false);

        PrintPlan(output, leftResult.Statistics, rightResult.Statistics);
        PrintParty(output, "left ", leftResult.Statistics);
        PrintParty(output, "right", rightResult.Statistics);
        var verdict = Verify(left, right, leftResult, rightResult, options);
        output.WriteLine(verdict.Line);
        return verdict.Verified ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static (Operand Left, Operand Right) Operands(DemoOptions options)
    {
        if (options.Rows < 1 || options.Inner < 1 || options.Cols < 1)
        {
            throw new UsageException(Units.Invariant($"--rows, --inner and --cols must be positive, got {options.Rows}, {options.Inner}, {options.Cols}"));
        }

        if (!PaillierKeyGenerator.SupportedBits.Contains(options.KeyBits))
        {
            throw new UsageException(Units.Invariant($"--key-bits {options.KeyBits} is not supported; use {Units.KeySizes}"));
        }

        Operand? left = options.X is null ? null : Operand.Read(options.X, options.Header, options.InputBits, options.FractionBits, "--frac-bits");
        Operand? right = options.Y is null ? null : Operand.Read(options.Y, options.Header, options.InputBits, options.FractionBits, "--frac-bits");
        var inner = left?.Encoded.Columns ?? right?.Encoded.Rows ?? options.Inner;
        left ??= Operand.Random(options.Rows, inner, options.InputBits, options.FractionBits);
        right ??= Operand.Random(inner, options.Cols, options.InputBits, options.FractionBits);
        if (left.Encoded.Columns != right.Encoded.Rows)
        {
            throw new UsageException(Units.Invariant(
                $"inner dimensions differ: X is {left.Encoded.Rows}x{left.Encoded.Columns}, Y is {right.Encoded.Rows}x{right.Encoded.Columns}"));
        }

        return (left, right);
    }

    /// <summary>Left listens on a free loopback port (bound before its RunAsync returns), right calls it.</summary>
    private static async Task<(PartyResult Left, PartyResult Right)> RunBothAsync(
        PartySettings leftSettings,
        Matrix<long> left,
        PartySettings rightSettings,
        Matrix<long> right,
        ProgressDisplay display,
        Akka.Configuration.Config log,
        CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var port = FreeLoopbackPort();

        // The default path is the secure one: mutual TLS on certificates made for this run, each pinning the other.
        using var leftCertificate = SelfSignedCertificate.Create("demo-left", TimeSpan.FromDays(1));
        using var rightCertificate = SelfSignedCertificate.Create("demo-right", TimeSpan.FromDays(1));
        var leftEndpoint = new PartyEndpoint(Loopback, port) { Tls = new PartyTls(leftCertificate, [CertificateFingerprint.Of(rightCertificate)]) };
        var rightEndpoint = new PartyEndpoint(Loopback, 0, Units.Invariant($"{Loopback}:{port}")) { Tls = new PartyTls(rightCertificate, [CertificateFingerprint.Of(leftCertificate)]) };
        var leftRun = DuetParty.RunAsync(leftSettings, left, leftEndpoint, display.For("left"), stop.Token, log);
        var rightRun = DuetParty.RunAsync(rightSettings, right, rightEndpoint, display.For("right"), stop.Token, log);
        var first = await Task.WhenAny(leftRun, rightRun).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            stop.CancelAfter(PeerGrace);
        }

        try
        {
            return (await leftRun.ConfigureAwait(false), await rightRun.ConfigureAwait(false));
        }
        catch (Exception) when (!first.IsCompletedSuccessfully)
        {
            // Report the failure that happened first, not the other party's echo of it.
            await Task.WhenAll(leftRun, rightRun).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            await first.ConfigureAwait(false);
            throw;
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void PrintPlan(TextWriter output, PartyStatistics left, PartyStatistics right)
    {
        var plan = left.Plan;
        var (encryptor, evaluator) = left.Encryptor == OperandSide.Left ? ("left", "right") : ("right", "left");
        var (sentByEncryptor, sentByEvaluator) = left.Encryptor == OperandSide.Left
            ? (left.CiphertextsSent, right.CiphertextsSent)
            : (right.CiphertextsSent, left.CiphertextsSent);
        output.WriteLine(Units.Invariant(
            $"plan: {encryptor} encrypts, {evaluator} evaluates; {PlanText.Describe(plan)}"));
        output.WriteLine(Units.Invariant(
            $"ciphertexts: {sentByEncryptor} {encryptor} -> {evaluator} (plan {plan.EncryptedCount}), {sentByEvaluator} {evaluator} -> {encryptor} (plan {plan.ResultCount})"));
    }

    private static void PrintParty(TextWriter output, string name, PartyStatistics s) =>
        output.WriteLine(Units.Invariant(
            $"{name} ({(s.IsEncryptor ? "encryptor" : "evaluator")}): handshake {Units.Duration(s.Handshake)}, keys {Units.Duration(s.Keys)}, streaming {Units.Duration(s.Streaming)}, finishing {Units.Duration(s.Finishing)}, total {Units.Duration(s.Total)}; sent {Units.Bytes(s.BytesSent)}, received {Units.Bytes(s.BytesReceived)}"));

    private static (bool Verified, string Line) Verify(Operand left, Operand right, PartyResult leftResult, PartyResult rightResult, DemoOptions options)
    {
        var expected = Shares.Product(left.Encoded, right.Encoded);
        Matrix<BigInteger> reconstructed;
        try
        {
            reconstructed = Shares.Reconstruct(leftResult.Share!, rightResult.Share!, options.Domain);
        }
        catch (EncodingException error)
        {
            return (false, $"NOT verified: {error.Message}");
        }

        foreach (var (result, side) in new[] { (leftResult, OperandSide.Left), (rightResult, OperandSide.Right) })
        {
            var name = Units.Words(side);
            if (options.Reveal.ReachesSide(side) && result.Product is null)
            {
                return (false, $"NOT verified: the product was to be revealed to {name}, which did not receive it");
            }

            if (result.Product is not null && FirstDifference(result.Product, reconstructed) is { } difference)
            {
                return (false, $"NOT verified: the product revealed to {name} differs from the shares' sum at {difference}");
            }
        }

        // Ring64 promises the product mod 2^64; it is the exact integer only while |P| < 2^63.
        var wide = expected.Data.Count(z => !Shares.IsExact(options.Domain, z));
        var comparable = wide > 0 ? expected.Map(z => Shares.Reconstruct(z, BigInteger.Zero, ShareDomain.Ring64)) : expected;
        var differing = reconstructed.Data.Where((z, i) => z != comparable.Data[i]).Count();
        if (differing > 0)
        {
            return (false, Units.Invariant($"NOT verified: {differing} of {expected.Data.Length} entries differ, first at {FirstDifference(reconstructed, comparable)}"));
        }

        var revealed = options.Reveal == Reveal.None ? string.Empty : Units.Invariant($", revealed product matches");
        if (left.Reals is null || right.Reals is null)
        {
            return wide == 0
                ? (true, Units.Invariant($"verified: {Units.Count(expected.Data.Length, "entry", "entries")} exact as integers{revealed}"))
                : (true, Units.Invariant($"verified: {Units.Count(expected.Data.Length, "entry", "entries")} exact mod 2^64 ({wide} reach 2^{Shares.Ring64ExactBits}, beyond what ring64 shares hold as integers; {Ring64Bounds.ForDemo(leftResult.Statistics.Plan.ProductBits, options.InputBits)}){revealed}"));
        }

        if (wide > 0)
        {
            return (false, Units.Invariant($"NOT verified: {wide} fixed-point products reach 2^{Shares.Ring64ExactBits} and wrap in ring64; use --share integer or fewer --frac-bits"));
        }

        var (maxError, withinBound) = RealError(left.Reals, right.Reals, reconstructed, leftResult.ProductFractionBits, options.FractionBits);
        return withinBound
            ? (true, Units.Invariant($"verified: max abs error {maxError:0.##e+0} over {Units.Count(expected.Data.Length, "entry", "entries")} (fixed-point product exact){revealed}"))
            : (false, Units.Invariant($"NOT verified: max abs error {maxError:0.##e+0} exceeds the fixed-point rounding bound"));
    }

    /// <summary>
    /// Largest |decoded − x·y| against the plaintext real product, and whether every entry stays within the rounding
    /// bound Σ_k (|x|·ε + |y|·ε + ε²) with ε = 2^-(f+1), plus double rounding.
    /// </summary>
    private static (double MaxError, bool WithinBound) RealError(Matrix<double> x, Matrix<double> y, Matrix<BigInteger> product, int productFractionBits, int fractionBits)
    {
        var epsilon = Math.ScaleB(1.0, -(fractionBits + 1));
        var maxError = 0.0;
        var within = true;
        for (var i = 0; i < x.Rows; i++)
        {
            for (var j = 0; j < y.Columns; j++)
            {
                double exact = 0, bound = 0, magnitude = 0;
                for (var k = 0; k < x.Columns; k++)
                {
                    var (a, b) = (x[i, k], y[k, j]);
                    exact += a * b;
                    magnitude += Math.Abs(a * b);
                    bound += ((Math.Abs(a) + Math.Abs(b)) * epsilon) + (epsilon * epsilon);
                }

                var error = Math.Abs(FixedPoint.Decode(product[i, j], productFractionBits) - exact);
                maxError = Math.Max(maxError, error);
                within &= error <= bound + (1e-12 * (magnitude + 1));
            }
        }

        return (maxError, within);
    }

    private static string? FirstDifference(Matrix<BigInteger> actual, Matrix<BigInteger> expected)
    {
        if (actual.Rows != expected.Rows || actual.Columns != expected.Columns)
        {
            return Units.Invariant($"shape: {actual.Rows}x{actual.Columns} instead of {expected.Rows}x{expected.Columns}");
        }

        var index = -1;
        for (var i = 0; i < actual.Data.Length && index < 0; i++)
        {
            if (actual.Data[i] != expected.Data[i])
            {
                index = i;
            }
        }

        return index < 0
            ? null
            : Units.Invariant($"row {(index / actual.Columns) + 1}, column {(index % actual.Columns) + 1}: {actual.Data[index]} instead of {expected.Data[index]}");
    }


    private sealed record DemoOptions(
        int Rows,
        int Inner,
        int Cols,
        int KeyBits,
        int InputBits,
        int FractionBits,
        string? X,
        string? Y,
        bool Header,
        ShareDomain Domain,
        Reveal Reveal,
        KeyForm KeyForm,
        Scheme Scheme);
}
