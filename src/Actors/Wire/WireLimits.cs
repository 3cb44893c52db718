namespace Duet.Actors.Wire;

/// <summary>Bounds of the binary wire format. <see cref="DuetSerializer"/> refuses to write or read anything
/// outside them, so a corrupted length can never make a receiver allocate more than it was sent.</summary>
public static class WireLimits
{
    /// <summary>First byte of every encoded message; bump it when the layout changes.</summary>
    public const byte FormatVersion = 1;

    /// <summary>First byte of the delivery messages to a collector (<see cref="DeliveryCodec"/>); 2: a share offer carries
    /// its session's transcript digest and its sender's signature.</summary>
    public const byte DeliveryFormatVersion = 2;

    /// <summary>First byte of the tile messages between a party's nodes (<see cref="TileCodec"/>); 2: a band of X
    /// travels in the fewest bytes per entry that hold its widest entry.</summary>
    public const byte TileFormatVersion = 2;

    /// <summary>UTF-8 bytes of <see cref="Protocol.Hello.PartyName"/>.</summary>
    public const int MaxPartyNameBytes = 256;

    /// <summary>UTF-8 bytes of <see cref="Protocol.Abort.Text"/>; longer text is cut at a character boundary when written.</summary>
    public const int MaxAbortTextBytes = 4096;

    /// <summary>Bytes of n or h_s in a public key (h_s lives mod n², so this allows n up to 32768 bits).</summary>
    public const int MaxKeyBytes = 8192;

    /// <summary>Bytes of one ciphertext of either scheme: an element of Z_(n²), or a BFV seed and N residues at every
    /// prime (N = 16384 and the standard's 438 bits of q fit 16384·56 + 32 bytes).</summary>
    public const int MaxCiphertextWidth = 1 << 20;

    /// <summary>Bytes of a key message: a scheme's public key with the parameters it was made for.</summary>
    public const int MaxKeyMessageBytes = MaxCiphertextWidth + 64;

    /// <summary>Payload bytes of one block or revealed-share message; far above <c>duet.flow.block-bytes</c>
    /// and the transport frame, it only guards against corrupted lengths.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;
}
