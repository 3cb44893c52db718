using System.Numerics;
using Duet.Crypto.Encoding;

namespace Duet.Crypto.Schemes;

/// <summary>
/// The key owner's side of a session: it holds its operand Y and a secret key, encrypts blocks of Y (the same
/// ciphertexts again for the same seed, so a resume can prove what it re-sends) and decrypts a tile's results into
/// its band of the share. Safe for concurrent calls on different blocks and tiles.
/// </summary>
public interface IEncryptorKernels : IDisposable
{
    IProductPlan Plan { get; }

    /// <summary>The public key as the key message carries it.</summary>
    byte[] PublicKey { get; }

    /// <summary>The secret key as a resume or a worker node loads it again (<see cref="IMatrixScheme.LoadEncryptor"/>).</summary>
    byte[] ExportSecret();

    /// <summary>Writes the ciphertexts of operands [first, first + count) at <see cref="IProductPlan.EncryptedWidth"/> each.</summary>
    void Encrypt(int first, int count, Span<byte> output);

    /// <summary>Validates and decrypts tile <paramref name="tile"/>'s results into <paramref name="share"/>, sized as
    /// the tile's band; throws a <see cref="ValidationException"/> on anything the plan does not allow.</summary>
    void Decrypt(int tile, ReadOnlySpan<byte> results, Matrix<BigInteger> share);

    /// <summary>Checks <paramref name="count"/> ciphertexts of this side's own stream that another node of the party
    /// computed, as the peer will (width and range); throws <see cref="InvalidCiphertextException"/>.</summary>
    void CheckOwn(ReadOnlySpan<byte> ciphertexts, int count);
}

/// <summary>How the encryptor gets its key: a resumed or node's exported secret, a key the operator gave
/// (Paillier), or a fresh one of the given form.</summary>
/// <param name="Seed">The secret seed of the encryption randomness (<see cref="RandomStream.SeedBytes"/>).</param>
/// <param name="Secret">An exported secret key (<see cref="IEncryptorKernels.ExportSecret"/>), or null.</param>
/// <param name="Provided">A key the operator gave for this scheme (a Paillier private key), or null.</param>
public sealed record EncryptorKeying(byte[] Seed, byte[]? Secret, object? Provided, Paillier.KeyForm Form, int MinKeyBits);
