namespace Duet.Actors.Tiles;

/// <summary>The three kinds of tile. The values are part of the wire format: never renumber.</summary>
public enum TileKind
{
    Encrypt = 0,
    Evaluate = 1,
    Decrypt = 2,
}
