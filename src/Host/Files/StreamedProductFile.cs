using System.Numerics;
using Duet.Actors;
using Duet.Crypto.Encoding;

namespace Duet.Host.Files;

/// <summary>
/// The revealed product of a streamed run, added row by row from this party's share and the peer's revealed share
/// as their sinks read them back (<see cref="Shares.Reconstruct(BigInteger, BigInteger, ShareDomain)"/> per entry,
/// reals divided by 2^fractionBits): byte for byte the file the in-memory writer writes from the whole product, with
/// one row of each share in memory at a time. Written atomically (under a temporary name, in the current prepare group).
/// </summary>
internal static class StreamedProductFile
{
    public static void Write(string path, IShareSink own, IShareSink peer, ShareLayout layout)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(layout);
        var (rows, columns, fractionBits) = (layout.Rows, layout.Columns, layout.ProductFractionBits);
        var format = MatrixFileFormats.FromPath(path) ?? throw new OutputFileException(path, MatrixFileFormats.UnknownExtension(path));
        var product = new BigInteger[columns];
        Span<BigInteger> Row(int row)
        {
            var (mine, theirs) = (own.Read((long)row * columns, columns), peer.Read((long)row * columns, columns));
            for (var c = 0; c < columns; c++)
            {
                product[c] = Shares.Reconstruct(mine[c], theirs[c], layout.Domain);
            }

            return product;
        }

        MatrixFileAccess.WriteAtomically(path, stream =>
        {
            if (format == MatrixFileFormat.Csv)
            {
                using var writer = CsvMatrixWriter.Open(stream);
                var reals = new double[columns];
                for (var row = 0; row < rows; row++)
                {
                    var values = Row(row);
                    if (fractionBits == 0)
                    {
                        CsvMatrixWriter.WriteRow<BigInteger>(writer, values);
                        continue;
                    }

                    for (var c = 0; c < columns; c++)
                    {
                        reals[c] = FixedPoint.Decode(values[c], fractionBits);
                    }

                    CsvMatrixWriter.WriteRow<double>(writer, reals);
                }

                return;
            }

            stream.Write(NpyHeader.Encode(fractionBits > 0 ? NpyDtype.Float64 : NpyDtype.Int64, rows, columns));
            var (integers, doubles) = (new long[columns], new double[columns]);
            for (var row = 0; row < rows; row++)
            {
                var values = Row(row);
                for (var c = 0; c < columns; c++)
                {
                    if (fractionBits > 0)
                    {
                        doubles[c] = FixedPoint.Decode(values[c], fractionBits);
                    }
                    else
                    {
                        integers[c] = values[c] >= long.MinValue && values[c] <= long.MaxValue ? (long)values[c] : throw MatrixFiles.NotInt64(path, values[c], ((long)row * columns) + c, columns);
                    }
                }

                if (fractionBits > 0)
                {
                    NpyMatrixFile.WriteValues<double>(stream, doubles);
                }
                else
                {
                    NpyMatrixFile.WriteValues<long>(stream, integers);
                }
            }
        });
    }
}
