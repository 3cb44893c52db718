namespace Duet.Crypto.Schemes;

// The numeric values are part of the wire format (Hello): never renumber, only append.

/// <summary>The homomorphic scheme of a session (<c>duet.session.scheme</c>), agreed in the handshake.</summary>
public enum Scheme
{
    /// <summary>Paillier with slot packing (docs/protocol.md §4–§8).</summary>
    Paillier = 0,

    /// <summary>BFV with coefficient encoding (docs/lattice.md).</summary>
    Bfv = 1,

    /// <summary>A hello's preference only: the peer's scheme, or BFV when both say auto and BFV carries the product,
    /// else Paillier. An agreement is always on a registered scheme.</summary>
    Auto = 2,
}
