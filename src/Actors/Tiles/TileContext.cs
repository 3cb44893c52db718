using Duet.Crypto.Schemes;

namespace Duet.Actors.Tiles;

/// <summary>What a worker needs to compute a session's tiles beyond the tile's own data: one side's kernels.</summary>
internal abstract record TileKit(Func<Tile, bool>? Fault)
{
    public abstract IProductPlan Plan { get; }
}

/// <summary>The encryptor's kit: its kernels over its operand Y and its secret key.</summary>
internal sealed record EncryptorKit(IEncryptorKernels Kernels, Func<Tile, bool>? Fault) : TileKit(Fault)
{
    public override IProductPlan Plan => Kernels.Plan;
}

/// <summary>The evaluator's kit: its kernels over the peer's key and prepared operand (the rows of X each tile needs
/// travel in the tile), and the session's secret seed of its masks and re-randomisers.</summary>
internal sealed record EvaluatorKit(IEvaluatorKernels Kernels, byte[] MaskSeed, Func<Tile, bool>? Fault) : TileKit(Fault)
{
    private static readonly byte[] Label = "duet evaluate tile v1"u8.ToArray();

    public override IProductPlan Plan => Kernels.Plan;

    /// <summary>The randomness of one attempt of one tile: any node of the party that holds the seed computes the
    /// same result, and a retried tile gets fresh masks.</summary>
    public Crypto.RandomStream TileRandom(int tile, int attempt)
    {
        var info = new byte[Label.Length + (2 * sizeof(int))];
        Label.CopyTo(info, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(Label.Length), tile);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(Label.Length + sizeof(int)), attempt);
        return new Crypto.RandomStream(MaskSeed, info);
    }
}

/// <summary>
/// One session's per-node tile context and the lifetime of everything native it owns (keys, residues, tables).
/// Whoever uses them (a worker computing a tile, the table build) holds a lease; once the session retires the
/// context, the owned objects are disposed, newest first, when the last lease is released, never under a user.
/// </summary>
internal sealed class TileContext(Guid sessionId, byte[] capability)
{
    private readonly object gate = new();
    private readonly Stack<IDisposable> owned = new();
    private readonly TaskCompletionSource disposal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int leases;
    private bool retired;
    private TileKit? kit;

    public Guid SessionId { get; } = sessionId;

    /// <summary>The session's capability (<see cref="SessionCapability"/>) on this node.</summary>
    public byte[] Capability { get; } = capability;

    /// <summary>CPU its tiles used on this node.</summary>
    public TileCpu Cpu { get; } = new();

    /// <summary>The kit, once the session has attached it.</summary>
    public TileKit? Kit => Volatile.Read(ref kit);

    /// <summary>True once retired and everything owned has been disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Completes once retired and everything owned is disposed: no worker, table build or check uses the kit.</summary>
    public Task Disposal => disposal.Task;

    public void Attach(TileKit value) => Volatile.Write(ref kit, value);

    /// <summary>Takes ownership; when the context is already retired and unused, disposes at once.</summary>
    public void Own(IDisposable resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (gate)
        {
            owned.Push(resource);
            DisposeIfDone();
        }
    }

    /// <summary>A lease that keeps the owned objects alive; false once the context is retired.</summary>
    public bool TryAcquire()
    {
        lock (gate)
        {
            if (retired)
            {
                return false;
            }

            leases++;
            return true;
        }
    }

    public void Release()
    {
        lock (gate)
        {
            if (leases == 0)
            {
                throw new InvalidOperationException("a tile context lease was released twice");
            }

            leases--;
            DisposeIfDone();
        }
    }

    /// <summary>The session has ended: no new leases; dispose once the last one is released.</summary>
    public void Retire()
    {
        lock (gate)
        {
            retired = true;
            DisposeIfDone();
        }
    }

    private void DisposeIfDone()
    {
        if (!retired || leases > 0)
        {
            return;
        }

        Volatile.Write(ref kit, null);
        while (owned.TryPop(out var resource))
        {
            resource.Dispose();
        }

        IsDisposed = true;
        disposal.TrySetResult();
    }
}
