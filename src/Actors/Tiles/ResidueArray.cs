using Duet.Crypto.Arithmetic;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tiles;

/// <summary>Residues for the peer's encrypted operand, owned by a tile context until disposed there.</summary>
internal sealed class ResidueArray : IDisposable
{
    private readonly Residue[] residues;

    private ResidueArray(Residue[] residues) => this.residues = residues;

    /// <summary>Makes <paramref name="count"/> residues of the key's context, owned by <paramref name="owner"/>.</summary>
    public static Residue[] Create(PaillierPublicKey key, int count, TileContext owner)
    {
        var residues = new Residue[count];
        for (var i = 0; i < residues.Length; i++)
        {
            residues[i] = key.Context.NewResidue();
        }

        owner.Own(new ResidueArray(residues));
        return residues;
    }

    public void Dispose()
    {
        foreach (var residue in residues)
        {
            residue.Dispose();
        }
    }
}
