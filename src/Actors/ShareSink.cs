using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Actors;

/// <summary>What a streamed share is: the session, P's shape, the share domain and the bound of an integer share.</summary>
/// <param name="ShareBits">|share| &lt; 2^ShareBits in the integer domain (ring64 shares are in [0, 2^64)).</param>
public sealed record ShareLayout(Guid SessionId, int Rows, int Columns, ShareDomain Domain, int ShareBits, int ProductFractionBits);

/// <summary>A rectangle of this party's share of P, in P's orientation and reduced into the share domain: rows
/// [FirstRow, FirstRow + Rows) by columns [FirstColumn, FirstColumn + Columns), row-major.</summary>
public sealed record ShareRegion(int FirstRow, int FirstColumn, int Rows, int Columns, BigInteger[] Values)
{
    /// <summary>A run of entries [first, first + values.Length) of a share with <paramref name="columns"/> columns, in
    /// row-major order, as at most three rectangles: the end of its first row, whole rows, the start of its last row.</summary>
    public static IEnumerable<ShareRegion> OfRun(long first, BigInteger[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (entry, end) = (first, first + values.Length);
        while (entry < end)
        {
            var (row, column) = ((int)(entry / columns), (int)(entry % columns));
            var rows = column > 0 || end - entry < columns ? 1 : (int)((end - entry) / columns);
            var width = rows > 1 ? columns : (int)Math.Min(columns - column, end - entry);
            var count = rows * width;
            yield return new ShareRegion(row, column, rows, width, values[(int)(entry - first)..(int)(entry - first + count)]);
            entry += count;
        }
    }
}

/// <summary>
/// Where a streamed run puts this party's share as its tiles finish, instead of holding it in memory (the runtime
/// reads and writes no files; the host's sink does). <see cref="Open"/> comes once, after the handshake; every entry
/// of P then arrives in exactly one <see cref="Write"/> (a region may come again only with identical values), all
/// before the host's prepare step runs. A sink that throws aborts the session on both sides. Committing (renaming
/// into place) or discarding is the host's, after <c>DuetParty.RunAsync</c> returns or throws. A party whose share is
/// revealed to the peer reads it back (<see cref="Read"/>) after its last write; a second sink receives the peer's
/// revealed share, which is read back too (docs/protocol.md §7).
/// </summary>
public interface IShareSink
{
    void Open(ShareLayout layout);

    void Write(ShareRegion region);

    /// <summary>Entries [first, first + count) of what was written, in P's row-major order and the share domain
    /// (ring64 in [0, 2^64)).</summary>
    BigInteger[] Read(long first, int count);
}
