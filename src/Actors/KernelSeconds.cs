using Duet.Crypto;

namespace Duet.Actors;

/// <summary>CPU seconds a party's kernels used on this node (thread CPU time, see <see cref="ThreadCpu"/>).</summary>
/// <param name="Encrypt">Encryption tiles.</param>
/// <param name="Decrypt">Decryption tiles.</param>
/// <param name="Evaluate">Evaluation tiles, whole.</param>
/// <param name="Products">The part of <paramref name="Evaluate"/> in the homomorphic products (<see cref="KernelCpu"/>).</param>
/// <param name="Preparation">The evaluator's preparation of the peer's operand (Paillier's tables; process CPU over it, all its threads).</param>
public sealed record KernelSeconds(double Encrypt, double Decrypt, double Evaluate, double Products, double Preparation)
{
    /// <summary>The party's main kernel: decryption for the encryptor, the homomorphic products for the evaluator.</summary>
    public double Main(bool isEncryptor) => isEncryptor ? Decrypt : Products;
}
