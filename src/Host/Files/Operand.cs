using System.Globalization;
using Duet.Crypto.Encoding;
using Duet.Host.Configuration;

namespace Duet.Host.Files;

/// <summary>
/// One party's matrix as the runtime takes it: integers within the declared bound, reals already in fixed point
/// round(v·2^f). <see cref="Reals"/> keeps the real values when the matrix was given as reals.
/// </summary>
internal sealed record Operand(Matrix<long> Encoded, Matrix<double>? Reals, string Description)
{
    /// <summary>Reads a matrix file whole and encodes it; a real matrix without fraction bits is an error that says so.
    /// (<c>duet party</c> reads its input by blocks of rows instead: <see cref="OperandFile"/>.)</summary>
    public static Operand Read(string path, bool header, int inputBits, int fractionBits, string fractionOption)
    {
        CheckBits(inputBits, fractionBits);
        var file = MatrixFiles.Read(path, header);
        return new Operand(Encode(file, inputBits, fractionBits, fractionOption), fractionBits == 0 ? null : file.ToFloat64(), Describe(path, file.Rows, file.Columns, fractionBits));
    }

    /// <summary>A matrix file (or a block of its rows) encoded: integers checked against the bound, reals as
    /// round(v·2^f); errors name the file's row and column.</summary>
    internal static Matrix<long> Encode(MatrixFile file, int inputBits, int fractionBits, string fractionOption)
    {
        if (fractionBits == 0)
        {
            if (!file.IsInteger)
            {
                throw new UsageException($"{file.Path}: holds real numbers; give {fractionOption} F to encode them in fixed point as round(v·2^F)");
            }

            var integers = file.ToInt64();
            FixedPoint.CheckBounds(integers, inputBits, file.Path, file.FirstRow);
            return integers;
        }

        return FixedPoint.Encode(file.ToFloat64(), fractionBits, inputBits, file.Path, file.FirstRow);
    }

    internal static string Describe(string path, long rows, int columns, int fractionBits) => fractionBits == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{path} ({rows}x{columns} integers)")
        : string.Create(CultureInfo.InvariantCulture, $"{path} ({rows}x{columns} reals, {fractionBits} fraction bits)");

    /// <summary>Uniform random integers with |x| &lt; 2^inputBits, or reals in (−1, 1) when fraction bits are given.</summary>
    public static Operand Random(int rows, int columns, int inputBits, int fractionBits)
    {
        CheckBits(inputBits, fractionBits);
        var shape = string.Create(CultureInfo.InvariantCulture, $"{rows}x{columns}");
        var random = System.Random.Shared;
        if (fractionBits == 0)
        {
            var limit = inputBits == FixedPoint.MaxInputBits ? long.MaxValue : (1L << inputBits) - 1;
            var integers = new Matrix<long>(rows, columns);
            for (var i = 0; i < integers.Data.Length; i++)
            {
                integers.Data[i] = limit == long.MaxValue ? random.NextInt64(-limit, limit) : random.NextInt64(-limit, limit + 1);
            }

            return new Operand(integers, null, string.Create(CultureInfo.InvariantCulture, $"{shape} random integers, |v| < 2^{inputBits}"));
        }

        var reals = new Matrix<double>(rows, columns);
        for (var i = 0; i < reals.Data.Length; i++)
        {
            reals.Data[i] = (random.NextDouble() * 2) - 1;
        }

        return new Operand(
            FixedPoint.Encode(reals, fractionBits, inputBits, "random operand"),
            reals,
            string.Create(CultureInfo.InvariantCulture, $"{shape} random reals in (-1, 1), {fractionBits} fraction bits"));
    }

    internal static void CheckBits(int inputBits, int fractionBits)
    {
        if (inputBits is < 1 or > FixedPoint.MaxInputBits)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"input bits must lie in [1, {FixedPoint.MaxInputBits}], got {inputBits}"));
        }

        if (fractionBits < 0 || fractionBits >= inputBits)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"fraction bits must lie in [0, input bits = {inputBits}), got {fractionBits}"));
        }
    }
}
