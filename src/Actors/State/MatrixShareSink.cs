using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Actors.State;

/// <summary>A share held in memory as a matrix, behind the sink interface: the peer's revealed share of a run that
/// holds its shares in memory, and a collector's incoming shares.</summary>
internal sealed class MatrixShareSink(int rows, int columns) : IShareSink
{
    public Matrix<BigInteger> Share { get; } = new(rows, columns);

    public void Open(ShareLayout layout)
    {
    }

    public void Write(ShareRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        for (var r = 0; r < region.Rows; r++)
        {
            region.Values.AsSpan(r * region.Columns, region.Columns).CopyTo(Share.Data.AsSpan(((region.FirstRow + r) * Share.Columns) + region.FirstColumn));
        }
    }

    public BigInteger[] Read(long first, int count) => Share.Data.AsSpan(checked((int)first), count).ToArray();
}
