using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
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

    /// <summary>P's columns: the width of the sink's rows.</summary>
    private int ProductColumns => orientation.Transposed ? rows : columns;

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

    /// <summary>Takes one finished band of the canonical share (a band that does not fit the share is a bug: throws);
    /// returns the digest of its region as the sink holds it (<see cref="BandDigest"/>), empty when held in memory.</summary>
    public byte[] Add(ShareBand band)
    {
        ArgumentNullException.ThrowIfNull(band);
        band.CheckFits(rows, columns);
        EntriesDone += band.Share.Length;
        if (canonical is not null)
        {
            band.CopyInto(canonical);
            return [];
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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendValues(hash, values);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// SHA-256 of the canonical band [firstRow, +bandRows) × [firstColumn, +bandColumns) as the sink holds it now, its
    /// region of P read back row by row: what <see cref="Add"/> returned for it, unless the sink's file changed since.
    /// </summary>
    public byte[] BandDigest(int firstRow, int firstColumn, int bandRows, int bandColumns)
    {
        var (regionRow, regionColumn, regionRows, regionColumns) = orientation.Transposed
            ? (firstColumn, firstRow, bandColumns, bandRows)
            : (firstRow, firstColumn, bandRows, bandColumns);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var r = 0; r < regionRows; r++)
        {
            AppendValues(hash, Read(((long)(regionRow + r) * ProductColumns) + regionColumn, regionColumns));
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Each value as its length and two's-complement bytes, so the digest is of the values, not of one file format.</summary>
    private static void AppendValues(IncrementalHash hash, BigInteger[] values)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var value in values)
        {
            var bytes = value.ToByteArray();
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
    }

    /// <summary>The whole share in P's orientation and the domain; null in a streamed run (the sink has it).</summary>
    public Matrix<BigInteger>? Share() => canonical is null ? null : oriented ??= orientation.FromCanonical(canonical, domain);

    /// <summary>Entries [first, first + count) of the finished share in P's row-major order and the domain: read back
    /// from the sink in a streamed run.</summary>
    public BigInteger[] Read(long first, int count) =>
        Share() is { } share ? share.Data.AsSpan(checked((int)first), count).ToArray() : sink!.Read(first, count);
}
