using Duet.Crypto.MatMul;

namespace Duet.Crypto.Schemes;

/// <summary>
/// A scheme's layout of one product, seen the same way by every scheme: the encryptor's stream of ciphertexts cut
/// into blocks, the evaluator's tiles (each one block of results back, covering one band of Z), and the canonical
/// product Z (m×n) whose shares both parties fill.
/// </summary>
public interface IProductPlan
{
    Scheme Scheme { get; }

    ProductShape Shape { get; }

    /// <summary>m: rows of the canonical product Z.</summary>
    int Rows { get; }

    /// <summary>k: the inner dimension.</summary>
    int Inner { get; }

    /// <summary>n: columns of the canonical product Z.</summary>
    int Columns { get; }

    /// <summary>bz: every |Z_ij| &lt; 2^bz.</summary>
    int ProductBits { get; }

    /// <summary>Bits that bound either party's integer share: |share| &lt; 2^ShareBits.</summary>
    int ShareBits { get; }

    /// <summary>Ciphertexts the encryptor sends.</summary>
    int EncryptedCount { get; }

    /// <summary>Blocks the encryptor sends them in.</summary>
    int EncryptBlocks { get; }

    /// <summary>Result ciphertexts the evaluator sends.</summary>
    int ResultCount { get; }

    /// <summary>Evaluation tiles, each sent back as one result block.</summary>
    int Tiles { get; }

    /// <summary>Bytes of one of the encryptor's ciphertexts on the wire.</summary>
    int EncryptedWidth { get; }

    /// <summary>Bytes of one of the evaluator's result ciphertexts on the wire.</summary>
    int ResultWidth { get; }

    /// <summary>The encrypted operands [First, First + Count) of encrypted block <paramref name="block"/>.</summary>
    (int First, int Count) EncryptBlock(int block);

    /// <summary>The results [First, First + Count) of tile <paramref name="tile"/>.</summary>
    (int First, int Count) TileResults(int tile);

    /// <summary>The entries of Z a tile's results cover; its rows are the rows of X the tile reads.</summary>
    ProductBand Band(int tile);

    /// <summary>
    /// Bytes this plan needs on one party beyond the shares: on the evaluator the peer's encrypted operand as kept and
    /// what its preparation builds within <paramref name="tableMemoryBytes"/>; a tile's working set on either side.
    /// </summary>
    long WorkingBytes(bool isEncryptor, long tableMemoryBytes);

    /// <summary>One line for the operator: the scheme and its parameters.</summary>
    string Summary { get; }
}
