using Duet.Actors.Protocol;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;

namespace Duet.Actors;

/// <summary>
/// The plan both parties derive from the two hellos, whichever the scheme: Paillier's <see cref="PackingPlan"/> or
/// BFV's <see cref="CoefficientPlan"/>, seen by the session as the same streams: the encryptor's blocks, the
/// evaluator's tiles (each one result block), and the canonical product Z (m×n) whose shares both fill.
/// </summary>
public sealed record SessionPlan
{
    private SessionPlan(PackingPlan? paillier, CoefficientPlan? lattice)
    {
        Paillier = paillier;
        Lattice = lattice;
    }

    public Scheme Scheme => Lattice is null ? Scheme.Paillier : Scheme.Bfv;

    /// <summary>The Paillier plan; null in a BFV session.</summary>
    public PackingPlan? Paillier { get; }

    /// <summary>The BFV plan; null in a Paillier session.</summary>
    public CoefficientPlan? Lattice { get; }

    /// <summary>m: rows of the canonical product Z.</summary>
    public int Rows => Paillier?.Rows ?? Lattice!.Rows;

    /// <summary>n: columns of the canonical product Z.</summary>
    public int Columns => Paillier?.Columns ?? Lattice!.Columns;

    /// <summary>bz: every |Z_ij| &lt; 2^bz.</summary>
    public int ProductBits => Paillier?.ProductBits ?? Lattice!.ProductBits;

    /// <summary>Bits that bound either party's integer share: |share| &lt; 2^ShareBits (the slot width or τ).</summary>
    public int ShareBits => Paillier?.SlotBits ?? Lattice!.PlainBits;

    /// <summary>Blocks the encryptor sends.</summary>
    public int EncryptBlocks => Paillier?.EncryptBlocks ?? Lattice!.EncryptBlocks;

    /// <summary>Evaluation tiles, each sent back as one result block.</summary>
    public int Tiles => Paillier?.Tiles ?? Lattice!.Tiles;

    /// <summary>Ciphertexts the encryptor sends.</summary>
    public int EncryptedCount => Paillier?.EncryptedCount ?? Lattice!.EncryptedCount;

    /// <summary>Result ciphertexts the evaluator sends.</summary>
    public int ResultCount => Paillier?.ResultCount ?? Lattice!.ResultCount;

    public static SessionPlan Of(PackingPlan plan) => new(plan ?? throw new ArgumentNullException(nameof(plan)), null);

    public static SessionPlan Of(CoefficientPlan plan) => new(null, plan ?? throw new ArgumentNullException(nameof(plan)));

    /// <summary>The encrypted operands [First, First + Count) of encrypted block <paramref name="block"/>.</summary>
    public (int First, int Count) EncryptBlock(int block) => Paillier?.EncryptBlock(block) ?? Lattice!.EncryptBlock(block);

    /// <summary>The results [First, First + Count) of tile <paramref name="tile"/>.</summary>
    public (int First, int Count) TileResults(int tile) => Paillier?.TileResults(tile) ?? Lattice!.TileResults(tile);

    public override string ToString() => Paillier?.ToString() ?? $"BFV {Lattice}";
}
