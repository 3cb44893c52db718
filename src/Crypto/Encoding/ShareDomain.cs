namespace Duet.Crypto.Encoding;

/// <summary>How the two additive shares of the product are expressed (docs/protocol.md §7). The values are part of the
/// wire format (Hello): never renumber.</summary>
public enum ShareDomain
{
    /// <summary>Both shares reduced mod 2^64 (two's complement); exact reconstruction while |Z| &lt; 2^63.</summary>
    Ring64 = 0,

    /// <summary>Exact signed integers.</summary>
    Integer = 1,
}
