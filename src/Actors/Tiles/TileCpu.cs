using Duet.Crypto;

namespace Duet.Actors.Tiles;

/// <summary>Adds up, from every worker thread of a node, the CPU its tiles of one session used.</summary>
internal sealed class TileCpu
{
    private long encryptTicks;
    private long decryptTicks;
    private long evaluateTicks;
    private long preparationTicks;

    /// <summary>The evaluation kernel's own split, filled in by <c>PaillierEvaluateKernel</c>.</summary>
    public KernelCpu Evaluation { get; } = new();

    public void Add(TileKind kind, double seconds)
    {
        var ticks = (long)(seconds * TimeSpan.TicksPerSecond);
        switch (kind)
        {
            case TileKind.Encrypt:
                Interlocked.Add(ref encryptTicks, ticks);
                break;
            case TileKind.Decrypt:
                Interlocked.Add(ref decryptTicks, ticks);
                break;
            default:
                Interlocked.Add(ref evaluateTicks, ticks);
                break;
        }
    }

    public void AddPreparation(TimeSpan cpu) => Interlocked.Add(ref preparationTicks, cpu.Ticks);

    public KernelSeconds Snapshot() =>
        new(Seconds(ref encryptTicks), Seconds(ref decryptTicks), Seconds(ref evaluateTicks), Evaluation.Products, Seconds(ref preparationTicks));

    private static double Seconds(ref long ticks) => Interlocked.Read(ref ticks) / (double)TimeSpan.TicksPerSecond;
}
