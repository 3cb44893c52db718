namespace Duet.Actors.Tiles;

/// <summary>Why a tile failed. The values are part of the wire format: never renumber.</summary>
public enum TileFailure
{
    /// <summary>The computation threw (a bug or an injected fault); computing it again may succeed.</summary>
    Fault = 0,

    /// <summary>A ciphertext from the peer failed validation: retrying cannot help, the session aborts.</summary>
    InvalidCiphertext = 1,

    /// <summary>The node has no context for the session (it ended, or the context has not arrived).</summary>
    NoContext = 2,
}
