using Duet.Crypto;

namespace Duet.Actors;

/// <summary>CPU seconds a party's kernels used on this node (thread CPU time, see <see cref="ThreadCpu"/>).</summary>
/// <param name="Encrypt">Encryption tiles.</param>
/// <param name="Decrypt">Decryption tiles.</param>
/// <param name="Evaluate">Evaluation tiles, whole.</param>
/// <param name="MultiExponentiation">The part of <paramref name="Evaluate"/> in the multi-exponentiation (re-randomisers included).</param>
/// <param name="Tables">The evaluator's table build (process CPU over the build, all its threads).</param>
public sealed record KernelSeconds(double Encrypt, double Decrypt, double Evaluate, double MultiExponentiation, double Tables)
{
    /// <summary>The party's main kernel: decryption for the encryptor, the multi-exponentiation for the evaluator.</summary>
    public double Main(bool isEncryptor) => isEncryptor ? Decrypt : MultiExponentiation;
}
