using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Crypto.Lattice;

/// <summary>
/// The layout of Z = X·Y (X: m×k held by the evaluator, Y: k×n by the encryptor) in BFV with Cheetah's coefficient
/// encoding, and the BFV parameters that carry it: blocks m_w×k_w×n_w ≤ N, plaintext modulus T = 2^τ, flooding
/// noise and the prime chain. A pure function of shapes, bounds, σ and domain, so both parties compute the same.
/// </summary>
public sealed partial record CoefficientPlan : IProductPlan
{
    /// <summary>Reply bytes a tile carries at most, unless one reply is larger: a result block stays far below the frame.</summary>
    public const int TileReplyBytes = 1 << 20;

    private CoefficientPlan()
    {
    }

    public int Rows { get; private init; }

    public int Inner { get; private init; }

    public int Columns { get; private init; }

    public int XBits { get; private init; }

    public int YBits { get; private init; }

    public int Sigma { get; private init; }

    public ShareDomain Domain { get; private init; }

    /// <summary>The link speed in Mbit/s by which the plan weighs a byte against CPU (see <see cref="Create"/>).</summary>
    public int LinkMbps { get; private init; } = ProductShape.DefaultLinkMbps;

    /// <summary>bz = bx + by + ceil(log2 k): every |Z_ij| &lt; 2^bz.</summary>
    public int ProductBits { get; private init; }

    public int Degree { get; private init; }

    /// <summary>m_w: rows of X per block.</summary>
    public int BlockRows { get; private init; }

    /// <summary>k_w: inner indices per block.</summary>
    public int BlockInner { get; private init; }

    /// <summary>n_w: columns of Y per block.</summary>
    public int BlockColumns { get; private init; }

    /// <summary>τ: T = 2^τ (64 for ring64; bz + 1 + σ + λ for integer shares).</summary>
    public int PlainBits { get; private init; }

    /// <summary>Worst-case |noise| of an evaluated product before the reply's own terms (see docs/lattice.md).</summary>
    public BigInteger EvaluationNoise { get; private init; }

    /// <summary>Worst-case |noise| of the public-key encryption of zero that re-randomises a reply.</summary>
    public BigInteger RerandomisationNoise { get; private init; }

    /// <summary>f: flooding noise is uniform in [−2^f, 2^f), 2^(σ+λ_f) above the evaluation and re-randomisation noise.</summary>
    public int FloodBits { get; private init; }

    /// <summary>λ_f = ceil(log2(results · m_w·n_w)): the number of sent c0 coefficients the flooding must hide, in bits.</summary>
    public int FloodCountBits { get; private init; }

    public IReadOnlyList<int> PrimeBits { get; private init; } = [];

    /// <summary>K: the primes at which the key owner computes a reply's c1·s.</summary>
    public int ReplyPrimes { get; private init; }

    public int RowBlocks => (Rows + BlockRows - 1) / BlockRows;

    public int InnerBlocks => (Inner + BlockInner - 1) / BlockInner;

    public int ColumnBlocks => (Columns + BlockColumns - 1) / BlockColumns;

    /// <summary>Ciphertexts from the encryptor: one per (inner block, column block).</summary>
    public int EncryptedCount => InnerBlocks * ColumnBlocks;

    /// <summary>Replies from the evaluator: one per (row block, column block).</summary>
    public int ResultCount => RowBlocks * ColumnBlocks;

    /// <summary>Result coefficients carried per reply: m_w·n_w.</summary>
    public int PositionsPerResult => BlockRows * BlockColumns;

    /// <summary>Column blocks per evaluation tile: all of them, or as many replies as fit <see cref="TileReplyBytes"/>.</summary>
    public int ColumnBlocksPerTile => (int)Math.Clamp(TileReplyBytes / ReplyBytes, 1, ColumnBlocks);

    /// <summary>Tiles one row block is split into: more than one only for products wider than a tile's replies.</summary>
    private int TilesPerRowBlock => (ColumnBlocks + ColumnBlocksPerTile - 1) / ColumnBlocksPerTile;

    /// <summary>An evaluation tile is one row block with a run of its column blocks (all of them unless wide).</summary>
    public int Tiles => RowBlocks * TilesPerRowBlock;

    public int EncryptBlocks => EncryptedCount;

    /// <summary>Coefficient of X̂ holding X[i][j] of a block: i·k_w + k_w − 1 − j.</summary>
    public int PlainIndex(int i, int j) => (i * BlockInner) + BlockInner - 1 - j;

    /// <summary>Coefficient of Ŷ holding Y[j][l] of a block: l·m_w·k_w + j.</summary>
    public int CipherIndex(int j, int l) => (l * BlockRows * BlockInner) + j;

    /// <summary>Coefficient where Σ_j X[i][j]·Y[j][l] appears: l·m_w·k_w + i·k_w + k_w − 1.</summary>
    public int ResultIndex(int i, int l) => (l * BlockRows * BlockInner) + (i * BlockInner) + BlockInner - 1;

    /// <summary>The coefficients a reply carries, position p = l·m_w + i.</summary>
    public int[] Positions()
    {
        var positions = new int[PositionsPerResult];
        for (var l = 0; l < BlockColumns; l++)
        {
            for (var i = 0; i < BlockRows; i++)
            {
                positions[(l * BlockRows) + i] = ResultIndex(i, l);
            }
        }

        return positions;
    }

    public int OperandIndex(int innerBlock, int columnBlock) => (innerBlock * ColumnBlocks) + columnBlock;

    public int ResultIndexOf(int rowBlock, int columnBlock) => (rowBlock * ColumnBlocks) + columnBlock;

    /// <summary>The results of an evaluation tile: a contiguous range of result indices.</summary>
    public (int First, int Count) TileResults(int tile)
    {
        var (rowBlock, firstColumnBlock, count) = TileBlocks(tile);
        return (ResultIndexOf(rowBlock, firstColumnBlock), count);
    }

    /// <summary>The row block of a tile and its column blocks [FirstColumnBlock, FirstColumnBlock + Count).</summary>
    public (int RowBlock, int FirstColumnBlock, int Count) TileBlocks(int tile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tile);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tile, Tiles);
        var first = tile % TilesPerRowBlock * ColumnBlocksPerTile;
        return (tile / TilesPerRowBlock, first, Math.Min(ColumnBlocksPerTile, ColumnBlocks - first));
    }

    /// <summary>The encrypted operands [First, First + Count) of one block from the encryptor.</summary>
    public (int First, int Count) EncryptBlock(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, EncryptBlocks);
        return (block, 1);
    }

    /// <summary>The entries of Z that evaluation tile (and its replies) <paramref name="tile"/> covers.</summary>
    public ProductBand Band(int tile)
    {
        var (rowBlock, firstColumnBlock, count) = TileBlocks(tile);
        var (firstRow, firstColumn) = (rowBlock * BlockRows, firstColumnBlock * BlockColumns);
        return new ProductBand(firstRow, Math.Min(BlockRows, Rows - firstRow), firstColumn, Math.Min(count * BlockColumns, Columns - firstColumn));
    }

    /// <summary>Bytes of one fresh ciphertext on the wire (seed and c0 at every prime), as <see cref="BfvParameters.SeededCiphertextBytes"/>
    /// of <see cref="CreateParameters"/>, without building the parameters: primes lie just below 2^bits.</summary>
    public long SeededCiphertextBytes => Xof.SeedBytes + ((long)Degree * PrimeBits.Sum() / 8);

    /// <summary>Bytes of one reply on the wire, as <see cref="BfvParameters.ReplyBytes"/>: c0 at τ + 4 bits per result, c1 at w bits.</summary>
    public long ReplyBytes => (BfvParameters.ReplyPayloadBits(Degree, PlainBits, PositionsPerResult) + 7) / 8;

    /// <summary>The BFV parameters of this plan (deterministic primes), validated against the standard.</summary>
    public BfvParameters CreateParameters() => BfvParameters.Create(Degree, PrimeBits, ReplyPrimes, PlainBits);

    public Scheme Scheme => Scheme.Bfv;

    public ProductShape Shape => new(Rows, Inner, Columns, XBits, YBits, Sigma, Domain, 0, LinkMbps);

    /// <summary>A share is below T = 2^τ.</summary>
    public int ShareBits => PlainBits;

    public int EncryptedWidth => checked((int)SeededCiphertextBytes);

    public int ResultWidth => checked((int)ReplyBytes);

    /// <summary>Either side a tile's accumulators per result; the evaluator also its <see cref="OperandBytes"/>.</summary>
    public long WorkingBytes(bool isEncryptor, long tableMemoryBytes)
    {
        var tile = 2L * ColumnBlocksPerTile * PolynomialBytes;
        return isEncryptor ? tile : tile + OperandBytes;
    }

    /// <summary>The evaluator's copy of the peer's fresh ciphertexts as received and prepared (both halves in NTT form
    /// with Shoup quotients: 4 words per coefficient and prime).</summary>
    public long OperandBytes => EncryptedCount * (SeededCiphertextBytes + (4 * PolynomialBytes));

    private long PolynomialBytes => (long)Degree * PrimeBits.Count * sizeof(ulong);

    public string Summary =>
        $"BFV N = {Degree}, blocks {BlockRows} x {BlockInner} x {BlockColumns} (rows x inner x columns per ciphertext), T = 2^{PlainBits}, q = {PrimeBits.Sum()} bits";

    /// <summary>Plans are equal when their shapes, blocks and prime chains are (everything else follows from those).</summary>
    public bool Equals(CoefficientPlan? other) =>
        other is not null && Shape == other.Shape && (Degree, BlockRows, BlockInner, BlockColumns, PlainBits, ReplyPrimes) == (other.Degree, other.BlockRows, other.BlockInner, other.BlockColumns, other.PlainBits, other.ReplyPrimes)
        && PrimeBits.SequenceEqual(other.PrimeBits);

    public override int GetHashCode() => HashCode.Combine(Shape, Degree, BlockRows, BlockInner, BlockColumns);

    public override string ToString() =>
        $"{Rows}x{Inner}·{Inner}x{Columns}: N={Degree} blocks {BlockRows}x{BlockInner}x{BlockColumns}, T=2^{PlainBits}, " +
        $"q={string.Join("+", PrimeBits)} bits (c1·s at {PrimeBits.Take(ReplyPrimes).Sum()}), reply mod 2^{BfvParameters.ReplyBitsFor(Degree, PlainBits)}, flood 2^{FloodBits}, " +
        $"{EncryptedCount} ciphertexts out, {ResultCount} back";
}
