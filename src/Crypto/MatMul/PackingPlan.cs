using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

namespace Duet.Crypto.MatMul;

/// <summary>
/// The layout of one product Z = X·Y (X: m×k held by the evaluator, Y: k×n held by the encryptor) in packed
/// Paillier plaintexts, docs/protocol.md §4. Both parties compute it with <see cref="Create"/> from the same handshake.
/// </summary>
public sealed record PackingPlan : IProductPlan
{
    /// <summary>The statistical security parameter's floor.</summary>
    public const int MinimumSigma = PaillierPublicKey.MinimumSigma;

    /// <summary>
    /// Result ciphertexts per tile at most (one tile is one result block on the wire): small enough that a few
    /// hundred results still make several tiles per core, and that a result block is far below the transport frame.
    /// </summary>
    public const int ResultsPerTile = 8;

    /// <summary>Encrypted operands per block from the encryptor.</summary>
    private const int OperandsPerBlock = 64;

    private PackingPlan()
    {
    }

    public int Rows { get; private init; }

    public int Inner { get; private init; }

    public int Columns { get; private init; }

    /// <summary>Declared bound of the evaluator's entries: |x| &lt; 2^XBits.</summary>
    public int XBits { get; private init; }

    /// <summary>Declared bound of the encryptor's entries: |y| &lt; 2^YBits.</summary>
    public int YBits { get; private init; }

    public int KeyBits { get; private init; }

    public int Sigma { get; private init; }

    /// <summary>The share domain: in <see cref="ShareDomain.Ring64"/> the masks are at least 64 bits.</summary>
    public ShareDomain Domain { get; private init; }

    /// <summary>bz = bx + by + ceil(log2 k): every |Z_ij| &lt; 2^bz.</summary>
    public int ProductBits { get; private init; }

    /// <summary>
    /// t: masks are uniform in [0, 2^t); t = bz + 1 + σ + ceil(log2(m·n)), at least 64 in ring64 (docs/protocol.md §4).
    /// </summary>
    public int MaskBits { get; private init; }

    /// <summary>w = t + 1.</summary>
    public int SlotBits { get; private init; }

    /// <summary>S = floor((|n| − 2) / w).</summary>
    public int Slots { get; private init; }

    /// <summary>G: rows of X served by one result ciphertext.</summary>
    public int RowGroupSize { get; private init; }

    /// <summary>C: columns of Y served by one result ciphertext.</summary>
    public int ColumnGroupSize { get; private init; }

    public int RowGroups => (Rows + RowGroupSize - 1) / RowGroupSize;

    public int ColumnGroups => (Columns + ColumnGroupSize - 1) / ColumnGroupSize;

    /// <summary>Ciphertexts the encryptor sends: one per (column group, k, row offset a).</summary>
    public int EncryptedCount => ColumnGroups * Inner * RowGroupSize;

    /// <summary>Ciphertexts the evaluator sends back: one per (row group, column group).</summary>
    public int ResultCount => RowGroups * ColumnGroups;

    /// <summary>Bases of one column group's multi-exponentiation: k·G.</summary>
    public int TermsPerResult => Inner * RowGroupSize;

    public int OperandsPerEncryptBlock => OperandsPerBlock;

    public Scheme Scheme => Scheme.Paillier;

    public ProductShape Shape => new(Rows, Inner, Columns, XBits, YBits, Sigma, Domain, KeyBits);

    /// <summary>A share is below the slot width w.</summary>
    public int ShareBits => SlotBits;

    /// <summary>An element of Z_(n²), big-endian at the width of n².</summary>
    public int EncryptedWidth => 2 * ((KeyBits + 7) / 8);

    public int ResultWidth => EncryptedWidth;

    /// <summary>The evaluator keeps the peer's operand twice (wire bytes and residues) and its tables within the budget.</summary>
    public long WorkingBytes(bool isEncryptor, long tableMemoryBytes) =>
        isEncryptor ? 0 : (2L * EncryptedCount * EncryptedWidth) + tableMemoryBytes;

    public string Summary =>
        $"Paillier {KeyBits}-bit key, {Slots} slots of {SlotBits} bits per ciphertext ({MaskBits}-bit masks), G x C = {RowGroupSize} x {ColumnGroupSize} (rows x columns per result ciphertext)";

    public int EncryptBlocks => (EncryptedCount + OperandsPerBlock - 1) / OperandsPerBlock;

    /// <summary>
    /// Row groups per evaluation tile: as many whole row groups as fit <see cref="ResultsPerTile"/> results, or one
    /// when a row group alone has more column groups than that (its tiles then split it by column groups).
    /// </summary>
    public int RowGroupsPerTile => Math.Max(1, ResultsPerTile / ColumnGroups);

    /// <summary>Column groups per evaluation tile: all of them, or <see cref="ResultsPerTile"/> when a row group is wider.</summary>
    public int ColumnGroupsPerTile => Math.Min(ColumnGroups, ResultsPerTile);

    /// <summary>Tiles one row-group range is split into: more than one only for results wider than a tile.</summary>
    private int TilesPerRowGroupRange => (ColumnGroups + ColumnGroupsPerTile - 1) / ColumnGroupsPerTile;

    /// <summary>Evaluation tiles; each holds at most <see cref="ResultsPerTile"/> results, so a result block stays
    /// far below any transport frame whatever the shapes (docs/protocol.md §10).</summary>
    public int Tiles => ((RowGroups + RowGroupsPerTile - 1) / RowGroupsPerTile) * TilesPerRowGroupRange;

    /// <summary>The plan for these shapes and parameters, or an <see cref="EncodingException"/> saying why none is safe.</summary>
    public static PackingPlan Create(
        int rows, int inner, int columns, int xBits, int yBits, int keyBits, int sigma = MinimumSigma, ShareDomain domain = ShareDomain.Ring64)
    {
        if (rows <= 0 || inner <= 0 || columns <= 0)
        {
            throw new EncodingException($"Shapes must be positive: {rows}x{inner} times {inner}x{columns}.");
        }

        if (xBits is < 1 or > FixedPoint.MaxInputBits || yBits is < 1 or > FixedPoint.MaxInputBits)
        {
            throw new EncodingException($"Bit bounds must lie in [1, {FixedPoint.MaxInputBits}], got {xBits} and {yBits}.");
        }

        if (sigma < MinimumSigma)
        {
            throw new EncodingException($"σ = {sigma} is below the minimum statistical security of {MinimumSigma}.");
        }

        var productBits = xBits + yBits + CeilLog2(inner);
        var maskBits = MaskBitsFor(productBits, sigma, (long)rows * columns, domain);
        var slotBits = maskBits + 1;
        var slots = (keyBits - 2) / slotBits;
        if (slots < 1)
        {
            throw new EncodingException(
                $"A slot needs {slotBits} bits (bz = {productBits}, σ = {sigma}, {rows}x{columns} entries) but a {keyBits}-bit key holds at most {keyBits - 2}; lower the bit bounds or use a larger key.");
        }

        int g, c;
        if (columns >= slots)
        {
            (g, c) = (1, slots);
        }
        else
        {
            c = columns;
            g = Math.Min(slots / columns, rows);
        }

        return new PackingPlan
        {
            Rows = rows,
            Inner = inner,
            Columns = columns,
            XBits = xBits,
            YBits = yBits,
            KeyBits = keyBits,
            Sigma = sigma,
            Domain = domain,
            ProductBits = productBits,
            MaskBits = maskBits,
            SlotBits = slotBits,
            Slots = slots,
            RowGroupSize = g,
            ColumnGroupSize = c,
        };
    }

    /// <summary>
    /// t = bz + 1 + σ + ceil(log2(entries)) (docs/protocol.md §4): each of the product's entries is masked within 2^−(σ + λ)
    /// of uniform, so the encryptor's whole view is within 2^−σ; in ring64 at least 64, so that the evaluator's share
    /// −r mod 2^64 is exactly uniform.
    /// </summary>
    public static int MaskBitsFor(int productBits, int sigma, long entries, ShareDomain domain)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entries);
        var bits = productBits + 1 + sigma + CeilLog2(entries);
        return domain == ShareDomain.Ring64 ? Math.Max(bits, 64) : bits;
    }

    /// <summary>Position of the encrypted operand Y[k, a] of a column group in the encryptor's stream.</summary>
    public int OperandIndex(int columnGroup, int k, int a) => (((columnGroup * Inner) + k) * RowGroupSize) + a;

    /// <summary>Position of the result of a row group and column group in the evaluator's stream.</summary>
    public int ResultIndex(int rowGroup, int columnGroup) => (rowGroup * ColumnGroups) + columnGroup;

    /// <summary>Row groups [FirstRowGroup, EndRowGroup) and column groups [FirstColumnGroup, EndColumnGroup) of an
    /// evaluation tile, in the plan's flat ordering of results row group by row group.</summary>
    public TileArea Tile(int tile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tile);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tile, Tiles);
        var firstRowGroup = tile / TilesPerRowGroupRange * RowGroupsPerTile;
        var firstColumnGroup = tile % TilesPerRowGroupRange * ColumnGroupsPerTile;
        return new TileArea(
            firstRowGroup,
            Math.Min(firstRowGroup + RowGroupsPerTile, RowGroups),
            firstColumnGroup,
            Math.Min(firstColumnGroup + ColumnGroupsPerTile, ColumnGroups));
    }

    /// <summary>The results of an evaluation tile: a contiguous range of result indices (a tile spans whole row
    /// groups, or column groups of a single row group).</summary>
    public (int First, int Count) TileResults(int tile)
    {
        var area = Tile(tile);
        return (ResultIndex(area.FirstRowGroup, area.FirstColumnGroup), area.RowGroupCount * area.ColumnGroupCount);
    }

    /// <summary>The entries of the product a tile's results cover: rows and columns of the canonical Z.</summary>
    public ProductBand Band(int tile)
    {
        var area = Tile(tile);
        var (firstRow, firstColumn) = (area.FirstRowGroup * RowGroupSize, area.FirstColumnGroup * ColumnGroupSize);
        return new ProductBand(
            firstRow,
            Math.Min(area.EndRowGroup * RowGroupSize, Rows) - firstRow,
            firstColumn,
            Math.Min(area.EndColumnGroup * ColumnGroupSize, Columns) - firstColumn);
    }

    /// <summary>The encrypted operands [First, First + Count) of one block from the encryptor.</summary>
    public (int First, int Count) EncryptBlock(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, EncryptBlocks);
        var first = block * OperandsPerBlock;
        return (first, Math.Min(OperandsPerBlock, EncryptedCount - first));
    }

    /// <summary>The slot of row offset a and column offset c inside one result ciphertext.</summary>
    public static int Slot(int a, int c, int columnGroupSize) => (a * columnGroupSize) + c;

    public override string ToString() =>
        $"{Rows}x{Inner}·{Inner}x{Columns}: t={MaskBits} w={SlotBits} S={Slots} G={RowGroupSize} C={ColumnGroupSize}, {EncryptedCount} ciphertexts out, {ResultCount} back";

    private static int CeilLog2(long value)
    {
        var bits = 0;
        while ((1L << bits) < value)
        {
            bits++;
        }

        return bits;
    }
}
