using System.Numerics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Duet.Crypto.Arithmetic;

namespace Duet.Benchmarks;

/// <summary>`micro`: BenchmarkDotNet on the two hot operations of the evaluator, per backend, modulo a 4096-bit n².</summary>
internal static class MicroCommand
{
    public static int Run(CommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // In process: no generated project to build, and artifacts stay under bin/.
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<MontgomeryBenchmarks>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }
}

/// <summary>One Montgomery product, and Evaluator.Multiply's work (a power with a 64-bit exponent).</summary>
public class MontgomeryBenchmarks : IDisposable
{
    private static readonly BigInteger Exponent = ulong.MaxValue - 0x5555_5555UL;

    private MontgomeryContext? context;
    private Residue? a;
    private Residue? b;
    private Residue? result;

    [Params(Backends.Native, Backends.Managed)]
    public string Backend { get; set; } = Backends.Native;

    [GlobalSetup]
    public void Setup()
    {
        // A fixed odd 4096-bit modulus: the width of n² for a 2048-bit key; values need no structure here.
        var random = new Random(4096);
        var bytes = new byte[512];
        random.NextBytes(bytes);
        bytes[0] |= 0x80;
        bytes[^1] |= 1;
        var modulus = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        context = Backends.Create(modulus, Backend);
        a = context.NewResidue();
        b = context.NewResidue();
        result = context.NewResidue();
        bytes[0] &= 0x7F;
        context.Load(bytes, a);
        random.NextBytes(bytes);
        bytes[0] &= 0x7F;
        context.Load(bytes, b);
    }

    [Benchmark]
    public void Multiply() => context!.Multiply(a!, b!, result!);

    [Benchmark]
    public void Pow64() => context!.Pow(a!, Exponent, result!);

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            a?.Dispose();
            b?.Dispose();
            result?.Dispose();
            context?.Dispose();
            (a, b, result, context) = (null, null, null, null);
        }
    }
}
