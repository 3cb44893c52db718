using Duet.Crypto.Encoding;

namespace Duet.Crypto.Schemes;

/// <summary>
/// What both parties know of a product Z = X·Y (X: m×k held by the evaluator, Y: k×n by the encryptor) once the
/// hellos are agreed: the shapes, the entry bounds, σ, the share domain, the encryptor's key size (Paillier's
/// only) and the link speed the plan weighs bytes by (the slower of the two hellos' hints; BFV's only). A scheme
/// derives its plan from it alone, so both parties and every node of a party derive the same.
/// </summary>
public sealed record ProductShape(int Rows, int Inner, int Columns, int XBits, int YBits, int Sigma, ShareDomain Domain, int KeyBits, int LinkMbps = ProductShape.DefaultLinkMbps)
{
    /// <summary>The link speed assumed without a hint: 1 Gbit/s.</summary>
    public const int DefaultLinkMbps = 1000;

    /// <summary>The largest hint accepted: 1 Tbit/s.</summary>
    public const int MaxLinkMbps = 1_000_000;
}
