using System.Numerics;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.MatMul;

/// <summary>The evaluator's work on one tile of row groups (docs/protocol.md §5). Tiles are independent.</summary>
public static class PaillierEvaluateKernel
{
    /// <summary>
    /// Evaluates, masks and re-randomises every result of a tile: writes the ciphertexts in result order into output
    /// and the evaluator's shares (−r) into its share matrix (tiles write disjoint entries); the share matrix may hold only
    /// the entries from row <paramref name="firstRow"/> and column <paramref name="firstColumn"/> on (a tile's own band).
    /// <paramref name="x"/> is the evaluator's whole operand X, or the rows of X from <paramref name="xFirstRow"/> on that
    /// cover the tile (its band, read by the tile, so that X need not be held whole). Masks and re-randomisers come
    /// from <paramref name="random"/> when given (so the party can recompute the tile exactly), else from the CSPRNG.
    /// </summary>
    public static void EvaluateTile(
        EvaluationBases bases, PaillierEvaluator evaluator, Matrix<long> x, int tile, Span<byte> output, Matrix<BigInteger> evaluatorShare, int firstRow = 0, int firstColumn = 0, KernelCpu? cpu = null, int xFirstRow = 0, RandomStream? random = null)
    {
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(x);
        var plan = bases.Plan;
        var context = bases.Context.Arithmetic;
        var width = bases.Key.CiphertextBytes;
        var area = plan.Tile(tile);
        var rows = plan.Band(tile);
        if (x.Columns != plan.Inner || xFirstRow < 0 || xFirstRow > rows.FirstRow || (long)xFirstRow + x.Rows < (long)rows.FirstRow + rows.Rows)
        {
            throw new EncodingException(
                $"The evaluator's operand rows [{xFirstRow}, {(long)xFirstRow + x.Rows}) x {x.Columns} do not cover tile {tile}'s rows [{rows.FirstRow}, {rows.FirstRow + rows.Rows}) x {plan.Inner}.");
        }

        var band = new OperandBand(x, xFirstRow);
        var (_, count) = plan.TileResults(tile);
        if (output.Length != count * width)
        {
            throw new ArgumentException($"A tile of {count} results needs {count * width} bytes.", nameof(output));
        }

        var products = NewResidues(context, count);
        var negatives = NewResidues(context, bases.Strategy == MultiExpStrategy.SubsetComb ? 0 : count);
        try
        {
            var started = ThreadCpu.Seconds();
            foreach (var negative in negatives)
            {
                context.SetOne(negative);
            }

            // h_s^α is one more term of each result's multi-exponentiation: the re-randomiser (docs/protocol.md §5.4), α fresh
            // and uniform of |n| + σ bits.
            var alphaBits = bases.Key.RerandomiserBits(plan.Sigma);
            if (bases.Strategy == MultiExpStrategy.SubsetComb)
            {
                EvaluateWithCombs(bases, band, area, products, alphaBits, random);
            }
            else
            {
                if (bases.Strategy == MultiExpStrategy.Pippenger)
                {
                    EvaluateWithBuckets(bases, band, area, products);
                }
                else
                {
                    EvaluateWithTables(bases, band, area, products, negatives);
                }

                // The re-randomiser's negative digits and those of negative entries are inverted together.
                for (var i = 0; i < count; i++)
                {
                    bases.Rerandomiser!.MultiplyPower(Randomness.Bits(alphaBits, random), products[i], negatives[i]);
                }

                MultiExponentiation.InvertAll(context, negatives);
                for (var i = 0; i < count; i++)
                {
                    context.Multiply(products[i], negatives[i], products[i]);
                }
            }

            var multiplied = ThreadCpu.Seconds();
            for (var i = 0; i < count; i++)
            {
                var rowGroup = area.FirstRowGroup + (i / area.ColumnGroupCount);
                var columnGroup = area.FirstColumnGroup + (i % area.ColumnGroupCount);
                Mask(plan, evaluator, products[i], rowGroup, columnGroup, evaluatorShare, firstRow, firstColumn, random);
                bases.Context.WriteCiphertext(products[i], output.Slice(i * width, width));
            }

            cpu?.Add(multiplied - started, ThreadCpu.Seconds() - multiplied);
        }
        finally
        {
            Dispose(products);
            Dispose(negatives);
        }
    }

    /// <summary>
    /// Adds the offset 2^bz and a fresh mask r_s to every used slot and records −r_s as the evaluator's share of that
    /// entry.
    /// </summary>
    public static void Mask(
        PackingPlan plan, PaillierEvaluator evaluator, Residue product, int rowGroup, int columnGroup, Matrix<BigInteger> evaluatorShare, int firstRow = 0, int firstColumn = 0, RandomStream? random = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(evaluatorShare);
        var offset = BigInteger.One << plan.ProductBits;
        var plaintext = BigInteger.Zero;
        foreach (var (slot, row, column) in Slots(plan, rowGroup, columnGroup))
        {
            var mask = Randomness.Bits(plan.MaskBits, random);
            plaintext += (offset + mask) << (plan.SlotBits * slot);
            evaluatorShare[row - firstRow, column - firstColumn] = -mask;
        }

        evaluator.AddPlain(product, plaintext, product);
    }

    /// <summary>The slots of a result that hold real entries, with the entry's row and column.</summary>
    internal static IEnumerable<(int Slot, int Row, int Column)> Slots(PackingPlan plan, int rowGroup, int columnGroup)
    {
        for (var a = 0; a < plan.RowGroupSize; a++)
        {
            var row = (rowGroup * plan.RowGroupSize) + a;
            if (row >= plan.Rows)
            {
                yield break;
            }

            for (var c = 0; c < plan.ColumnGroupSize; c++)
            {
                var column = (columnGroup * plan.ColumnGroupSize) + c;
                if (column < plan.Columns)
                {
                    yield return (PackingPlan.Slot(a, c, plan.ColumnGroupSize), row, column);
                }
            }
        }
    }

    // R = Π Y^x with signed x, digit by digit: term (t, j) raises Y_t^(±2^(c·j)) to the j-th c-bit digit of |x|.
    private static void EvaluateWithBuckets(EvaluationBases bases, OperandBand x, TileArea area, Residue[] products)
    {
        var plan = bases.Plan;
        var digits = bases.Digits;
        var terms = plan.TermsPerResult * digits;
        var mask = (1UL << bases.Window) - 1;
        var selected = new PinnedResidue[terms];
        var exponents = new ulong[terms];
        using var buckets = new MultiExponentiation(bases.Context.Arithmetic, bases.Window, bases.Window);
        for (var g = area.FirstRowGroup; g < area.EndRowGroup; g++)
        {
            for (var cg = area.FirstColumnGroup; cg < area.EndColumnGroup; cg++)
            {
                for (var t = 0; t < plan.TermsPerResult; t++)
                {
                    var value = Entry(plan, x, g, t);
                    var operand = plan.OperandIndex(cg, t / plan.RowGroupSize, t % plan.RowGroupSize);
                    var magnitude = Magnitude(value);
                    for (var j = 0; j < digits; j++)
                    {
                        selected[(t * digits) + j] = bases.PinnedShifted(operand, j, value < 0);
                        exponents[(t * digits) + j] = (magnitude >> (j * bases.Window)) & mask;
                    }
                }

                buckets.Compute(selected, exponents, products[area.Position(g, cg)]);
            }
        }
    }

    // Entries as x + 2^bx, below 2^P (the bases divide the offsets out); α drawn as P-bit pieces, uniform of alphaBits.
    private static void EvaluateWithCombs(EvaluationBases bases, OperandBand x, TileArea area, Residue[] products, int alphaBits, RandomStream? stream)
    {
        var plan = bases.Plan;
        var planes = bases.Planes;
        var offset = 1UL << plan.XBits;
        var entries = new ulong[plan.TermsPerResult];
        var pieces = new ulong[bases.RerandomiserComb!.Count];
        var random = new byte[pieces.Length * sizeof(ulong)];
        try
        {
            for (var g = area.FirstRowGroup; g < area.EndRowGroup; g++)
            {
                for (var cg = area.FirstColumnGroup; cg < area.EndColumnGroup; cg++)
                {
                    for (var t = 0; t < entries.Length; t++)
                    {
                        var value = Entry(plan, x, g, t);
                        if (Magnitude(value) >> plan.XBits != 0)
                        {
                            throw new EncodingException($"An entry of the evaluator's operand, {value}, is outside its declared bound |x| < 2^{plan.XBits}.");
                        }

                        entries[t] = unchecked((ulong)value + offset);
                    }

                    Randomness.Fill(random, stream);
                    AlphaPieces(random, planes, alphaBits, pieces);
                    bases.CombPower(cg, entries, pieces, products[area.Position(g, cg)]);
                }
            }
        }
        finally
        {
            Array.Clear(pieces);
            Array.Clear(random);
        }
    }

    /// <summary>
    /// α = Σ pieces[i]·2^(P·i) from uniform random bytes (8 per piece): each piece P bits of its bytes, the last one
    /// the rest of α's bits, so that α is uniform in [0, 2^alphaBits) when the bytes are.
    /// </summary>
    internal static void AlphaPieces(ReadOnlySpan<byte> random, int pieceBits, int alphaBits, Span<ulong> pieces)
    {
        if (pieces.Length != (alphaBits + pieceBits - 1) / pieceBits || random.Length < pieces.Length * sizeof(ulong))
        {
            throw new ArgumentException($"α of {alphaBits} bits takes {(alphaBits + pieceBits - 1) / pieceBits} pieces of {pieceBits} bits and 8 random bytes each.");
        }

        for (var i = 0; i < pieces.Length; i++)
        {
            var bits = Math.Min(pieceBits, alphaBits - (i * pieceBits));
            pieces[i] = BitConverter.ToUInt64(random.Slice(i * sizeof(ulong), sizeof(ulong))) & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        }
    }

    // Positive and negative digits (of positive and negative entries) accumulate apart; the caller inverts the negatives.
    private static void EvaluateWithTables(EvaluationBases bases, OperandBand x, TileArea area, Residue[] products, Residue[] negatives)
    {
        var plan = bases.Plan;
        var context = bases.Context.Arithmetic;
        for (var g = area.FirstRowGroup; g < area.EndRowGroup; g++)
        {
            for (var cg = area.FirstColumnGroup; cg < area.EndColumnGroup; cg++)
            {
                var i = area.Position(g, cg);
                context.SetOne(products[i]);
                for (var t = 0; t < plan.TermsPerResult; t++)
                {
                    var value = Entry(plan, x, g, t);
                    var table = bases.Table(plan.OperandIndex(cg, t / plan.RowGroupSize, t % plan.RowGroupSize));
                    var (positive, negative) = value >= 0 ? (products[i], negatives[i]) : (negatives[i], products[i]);
                    table.MultiplyPower(Magnitude(value), positive, negative);
                }
            }
        }
    }

    /// <summary>x[g·G + a, k] for term t = k·G + a, or 0 past the last row.</summary>
    private static long Entry(PackingPlan plan, OperandBand x, int rowGroup, int term)
    {
        var row = (rowGroup * plan.RowGroupSize) + (term % plan.RowGroupSize);
        return row < plan.Rows ? x.Rows[row - x.FirstRow, term / plan.RowGroupSize] : 0;
    }

    /// <summary>Rows [FirstRow, FirstRow + Rows.Rows) of X.</summary>
    private readonly record struct OperandBand(Matrix<long> Rows, int FirstRow);

    private static ulong Magnitude(long value) => value >= 0 ? (ulong)value : (ulong)(-value);

    private static Residue[] NewResidues(MontgomeryContext context, int count)
    {
        var residues = new Residue[count];
        for (var i = 0; i < count; i++)
        {
            residues[i] = context.NewResidue();
        }

        return residues;
    }

    private static void Dispose(Residue[] residues)
    {
        foreach (var r in residues)
        {
            r.Dispose();
        }
    }
}
