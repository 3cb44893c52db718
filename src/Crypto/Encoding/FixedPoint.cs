using System.Globalization;
using System.Numerics;

namespace Duet.Crypto.Encoding;

/// <summary>Signed integer entries with declared bit bounds, and reals as fixed point round(v·2^f) (docs/protocol.md §3).</summary>
public static class FixedPoint
{
    /// <summary>The largest bound an entry may declare: entries are 64-bit integers.</summary>
    public const int MaxInputBits = 63;

    /// <summary>Checks |x| &lt; 2^bits for every entry, naming the first entry (1-based row and column) that is not;
    /// <paramref name="firstRow"/> is the row of the operand where <paramref name="matrix"/> starts (a block of its rows).</summary>
    public static void CheckBounds(Matrix<long> matrix, int bits, string operand, long firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckBounds(matrix.Data, matrix.Columns, bits, operand, firstRow);
    }

    /// <summary>As <see cref="CheckBounds(Matrix{long}, int, string, long)"/>, for rows of <paramref name="columns"/> entries in a span.</summary>
    public static void CheckBounds(ReadOnlySpan<long> entries, int columns, int bits, string operand, long firstRow = 0)
    {
        CheckBits(bits);
        var limit = bits == 63 ? long.MaxValue : (1L << bits) - 1;
        for (var i = 0; i < entries.Length; i++)
        {
            var value = entries[i];
            if (value > limit || value < -limit)
            {
                throw new EncodingException(
                    $"{operand}: entry at row {firstRow + (i / columns) + 1}, column {(i % columns) + 1} is {value.ToString(CultureInfo.InvariantCulture)}, outside the declared bound |x| < 2^{bits}.");
            }
        }
    }

    /// <summary>round(v·2^fractionBits) for every entry, checked against |x| &lt; 2^bits (rows named from <paramref name="firstRow"/>, as in <see cref="CheckBounds"/>).</summary>
    public static Matrix<long> Encode(Matrix<double> matrix, int fractionBits, int bits, string operand, long firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckBits(bits);
        if (fractionBits < 0 || fractionBits >= bits)
        {
            throw new EncodingException($"{operand}: fraction bits must lie in [0, {bits}), got {fractionBits}.");
        }

        var scale = Math.ScaleB(1.0, fractionBits);
        var limit = Math.ScaleB(1.0, bits);
        var result = new Matrix<long>(matrix.Rows, matrix.Columns);
        for (var i = 0; i < matrix.Data.Length; i++)
        {
            var value = matrix.Data[i];
            var scaled = Math.Round(value * scale, MidpointRounding.ToEven);
            if (!double.IsFinite(value) || Math.Abs(scaled) >= limit)
            {
                throw new EncodingException(
                    $"{operand}: entry at row {firstRow + (i / matrix.Columns) + 1}, column {(i % matrix.Columns) + 1} is {value.ToString("R", CultureInfo.InvariantCulture)}, which with {fractionBits} fraction bits is outside the declared bound |x| < 2^{bits}.");
            }

            result.Data[i] = (long)scaled;
        }

        return result;
    }

    /// <summary>A product entry carrying scale 2^totalFractionBits back to a real.</summary>
    public static double Decode(BigInteger value, int totalFractionBits) =>
        Math.ScaleB((double)value, -totalFractionBits);

    private static void CheckBits(int bits)
    {
        if (bits is < 1 or > MaxInputBits)
        {
            throw new EncodingException($"A bit bound must lie in [1, {MaxInputBits}], got {bits}.");
        }
    }
}
