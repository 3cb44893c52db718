using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

namespace Duet.Actors;

/// <summary>
/// This party's own limits on what a peer may announce (docs/protocol.md §9), checked at the handshake before anything
/// is allocated: key sizes, rows, columns, product entries, and an estimate of the memory the plan needs. Every
/// count is 64-bit, so an announced size cannot overflow into a small one. Defaults in duet.conf (<c>duet.limits</c>).
/// </summary>
public sealed record SessionLimits
{
    /// <summary>Largest rows or columns of either matrix.</summary>
    public required long MaxDimension { get; init; }

    /// <summary>Largest number of entries of a matrix held whole: the encryptor's operand (the evaluator holds it
    /// encrypted), and the evaluator's own when it is read whole (BFV, or the transpose of its file). A Paillier
    /// evaluator's operand that is its file's own rows is read by tiles and bounded only by <see cref="MaxDimension"/>.</summary>
    public required long MaxOperandEntries { get; init; }

    /// <summary>Largest number of product entries (each party holds a share of each in memory).</summary>
    public required long MaxProductEntries { get; init; }

    /// <summary>Largest number of product entries of a run that streams its share to a file (nothing per entry is
    /// held in memory; the dimension limit bounds it too).</summary>
    public long MaxStreamedProductEntries { get; init; } = 1L << 48;

    /// <summary>False for a streamed run: the memory estimate then counts no share entries.</summary>
    public bool SharesInMemory { get; init; } = true;

    /// <summary>Largest product whose shares can be revealed: a revealed run addresses its entries with 32 bits.</summary>
    public const long MaxRevealedProductEntries = int.MaxValue;

    /// <summary>These limits for a party whose share streams to its file as tiles finish; with a reveal also within
    /// <see cref="MaxRevealedProductEntries"/>.</summary>
    public SessionLimits ForStreamedShares(bool reveal = false) =>
        this with { MaxProductEntries = reveal ? Math.Min(MaxStreamedProductEntries, MaxRevealedProductEntries) : MaxStreamedProductEntries, SharesInMemory = false };

    /// <summary>Memory the plan may need on this party, by the estimate of <see cref="EstimatedBytes"/>.</summary>
    public required long MemoryBudgetBytes { get; init; }

    /// <summary>Largest message the transport carries (<c>akka.remote.dot-netty.tcp.maximum-frame-size</c>).</summary>
    public required long FrameBytes { get; init; }

    /// <summary>Room left in a frame for a message's own fields and the transport's envelope.</summary>
    private const long EnvelopeBytes = 4096;

    /// <summary>Test hook: accept keys below 2048 bits (tests use small keys to run fast); never set in production.</summary>
    internal bool AllowTestKeySizes { get; init; }

    /// <summary>Bytes a BigInteger share entry costs in memory, with its matrix slot and the product when revealed.</summary>
    private const long BytesPerProductEntry = 64;

    /// <summary>Null when a hello's shape and key size are within the limits; otherwise what is over. The entry count
    /// is checked only for a matrix <paramref name="heldWhole"/>.</summary>
    public string? ShapeProblem(long rows, long columns, int keyBits, bool heldWhole = true)
    {
        if (rows < 1 || columns < 1 || rows > MaxDimension || columns > MaxDimension)
        {
            return $"a {rows}x{columns} matrix is outside 1..{MaxDimension} per dimension";
        }

        if (heldWhole && rows * columns > MaxOperandEntries)
        {
            return $"a {rows}x{columns} matrix has more than the {MaxOperandEntries} entries this party accepts";
        }

        var keyAccepted = PaillierKeyGenerator.SupportedBits.Contains(keyBits) || (AllowTestKeySizes && keyBits is >= 256 and <= 4096 && keyBits % 2 == 0);
        return keyAccepted ? null : $"a {keyBits}-bit key is not one of {string.Join(", ", PaillierKeyGenerator.SupportedBits)} bits";
    }

    /// <summary>Null when the product and the plan fit; otherwise what is over. Checked before any allocation.</summary>
    public string? PlanProblem(long productRows, long productColumns, IProductPlan plan, bool isEncryptor, long tableMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var entries = productRows * productColumns;
        if (entries > MaxProductEntries)
        {
            return $"a {productRows}x{productColumns} product exceeds the {MaxProductEntries} entries this party accepts";
        }

        var needed = EstimatedBytes(SharesInMemory ? entries : 0, plan, isEncryptor, tableMemoryBytes);
        return needed > MemoryBudgetBytes
            ? $"the plan needs about {needed >> 20} MiB on this party, over its memory budget of {MemoryBudgetBytes >> 20} MiB"
            : null;
    }

    /// <summary>Largest payload a message may carry so that it stays under the transport frame.</summary>
    public long PayloadBytes => FrameBytes - EnvelopeBytes;

    /// <summary>The plan's memory on one party: its share of every product entry and the plan's own working set.</summary>
    public static long EstimatedBytes(long productEntries, IProductPlan plan, bool isEncryptor, long tableMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return (productEntries * BytesPerProductEntry) + plan.WorkingBytes(isEncryptor, tableMemoryBytes);
    }
}
