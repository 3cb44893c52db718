using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

/// <summary>Decrypts with CRT over p² and q²; the secret exponents p−1 and q−1 run in constant time.</summary>
public sealed class PaillierDecryptor(PaillierPrivateKey key)
{
    private readonly PaillierPrivateKey key = key ?? throw new ArgumentNullException(nameof(key));

    public PaillierPublicKey PublicKey => key.PublicKey;

    public PaillierContext Context => key.Context;

    /// <summary>The signed plaintext, centred in (−n/2, n/2].</summary>
    public BigInteger Decrypt(Residue ciphertext) => PublicKey.FromPlaintextSpace(DecryptUnsigned(ciphertext));

    /// <summary>The plaintext as its representative in [0, n).</summary>
    public BigInteger DecryptUnsigned(Residue ciphertext) => DecryptUnsigned(Context.Arithmetic.Store(ciphertext));

    public BigInteger DecryptUnsigned(BigInteger ciphertext)
    {
        var mp = key.PHalf.Decrypt(ciphertext);
        var mq = key.QHalf.Decrypt(ciphertext);
        var t = (mp - mq) % key.P;
        if (t.Sign < 0)
        {
            t += key.P;
        }

        return mq + (key.Q * (t * key.QInverse % key.P));
    }
}
