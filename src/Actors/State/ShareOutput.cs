using System.Numerics;
using Duet.Actors.Tiles;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.State;

/// <summary>
/// Where the bands of this party's canonical share go as tiles finish: into one matrix held in memory, or, in a
/// streamed run, straight to the host's <see cref="IShareSink"/>, turned into P's orientation and share domain, so
/// the party's memory does not grow with the product.
/// </summary>
internal sealed class ShareOutput
{
    private readonly Matrix<BigInteger>? canonical;
    private readonly IShareSink? sink;
    private readonly Orientation orientation;
    private readonly ShareDomain domain;
    private readonly int rows;
    private readonly int columns;
    private Matrix<BigInteger>? oriented;

    private ShareOutput(int rows, int columns, Orientation orientation, ShareDomain domain, IShareSink? sink)
    {
        (this.rows, this.columns, this.orientation, this.domain, this.sink) = (rows, columns, orientation, domain, sink);
        canonical = sink is null ? new Matrix<BigInteger>(rows, columns) : null;
    }

    /// <summary>The canonical share (plan rows × plan columns) held in memory.</summary>
    public static ShareOutput InMemory(int rows, int columns, Orientation orientation, ShareDomain domain) => new(rows, columns, orientation, domain, null);

    /// <summary>Opens the sink for P's shape and streams every band to it.</summary>
    public static ShareOutput Streamed(IShareSink sink, ShareLayout layout, Orientation orientation)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(orientation);
        sink.Open(layout);
        var (rows, columns) = orientation.Transposed ? (layout.Columns, layout.Rows) : (layout.Rows, layout.Columns);
        return new(rows, columns, orientation, layout.Domain, sink);
    }

    public bool IsStreamed => sink is not null;

    /// <summary>Entries of the share finished so far.</summary>
    public long EntriesDone { get; private set; }

    /// <summary>Counts entries a resumed run's partial share already holds (tiles both parties committed before).</summary>
    public void Resumed(long entries) => EntriesDone += entries;

    /// <summary>Takes one finished band of the canonical share; a band that does not fit the share is a bug (throws).</summary>
    public void Add(ShareBand band)
    {
        ArgumentNullException.ThrowIfNull(band);
        band.CheckFits(rows, columns);
        EntriesDone += band.Share.Length;
        if (canonical is not null)
        {
            band.CopyInto(canonical);
            return;
        }

        var bandRows = band.Share.Length / band.Columns;
        var values = new BigInteger[band.Share.Length];
        for (var r = 0; r < bandRows; r++)
        {
            for (var c = 0; c < band.Columns; c++)
            {
                var value = Shares.Reduce(band.Share[(r * band.Columns) + c], domain);
                values[orientation.Transposed ? (c * bandRows) + r : (r * band.Columns) + c] = value;
            }
        }

        sink!.Write(orientation.Transposed
            ? new ShareRegion(band.FirstColumn, band.FirstRow, band.Columns, bandRows, values)
            : new ShareRegion(band.FirstRow, band.FirstColumn, bandRows, band.Columns, values));
    }

    /// <summary>The whole share in P's orientation and the domain; null in a streamed run (the sink has it).</summary>
    public Matrix<BigInteger>? Share() => canonical is null ? null : oriented ??= orientation.FromCanonical(canonical, domain);

    /// <summary>Entries [first, first + count) of the finished share in P's row-major order and the domain: read back
    /// from the sink in a streamed run.</summary>
    public BigInteger[] Read(long first, int count) =>
        Share() is { } share ? share.Data.AsSpan(checked((int)first), count).ToArray() : sink!.Read(first, count);
}
