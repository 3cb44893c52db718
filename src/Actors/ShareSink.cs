using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Actors;

/// <summary>What a streamed share is: the session, P's shape, the share domain and the bound of an integer share.</summary>
/// <param name="ShareBits">|share| &lt; 2^ShareBits in the integer domain (ring64 shares are in [0, 2^64)).</param>
public sealed record ShareLayout(Guid SessionId, int Rows, int Columns, ShareDomain Domain, int ShareBits, int ProductFractionBits);

/// <summary>A rectangle of this party's share of P, in P's orientation and reduced into the share domain: rows
/// [FirstRow, FirstRow + Rows) by columns [FirstColumn, FirstColumn + Columns), row-major.</summary>
public sealed record ShareRegion(int FirstRow, int FirstColumn, int Rows, int Columns, BigInteger[] Values);

/// <summary>
/// Where a streamed run puts this party's share as its tiles finish, instead of holding it in memory (the runtime
/// reads and writes no files; the host's sink does). <see cref="Open"/> comes once, after the handshake; every entry
/// of P then arrives in exactly one <see cref="Write"/> (a region may come again only with identical values), all
/// before the host's prepare step runs. A sink that throws aborts the session on both sides. Committing (renaming
/// into place) or discarding is the host's, after <c>DuetParty.RunAsync</c> returns or throws.
/// </summary>
public interface IShareSink
{
    void Open(ShareLayout layout);

    void Write(ShareRegion region);
}
