using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

public sealed partial class PaillierPrivateKey
{
    /// <summary>Arithmetic modulo one prime squared: decryption exponent, L-function constant and the h_s table.</summary>
    internal sealed class CrtHalf : IDisposable
    {
        // The window when the use is unknown: wider than the public table's, as the key owner encrypts often.
        private const int DefaultWindowBits = 10;
        private const int MaximumWindowBits = 12;

        private readonly Lazy<FixedBaseTable> randomiserTable;

        /// <param name="order">For a fast key, the l/2-bit prime p with h_s of order dividing 2p modulo prime²: the
        /// decryption exponent is then 2p instead of prime − 1.</param>
        /// <param name="expectedEncryptions">Read when the table is first needed: the encryptions it should serve.</param>
        public CrtHalf(BigInteger prime, PaillierPublicKey key, BigInteger? order, Func<long> expectedEncryptions)
        {
            Prime = prime;
            Cofactor = key.N / prime;
            Square = prime * prime;
            Exponent = order is { } p ? 2 * p : prime - 1;
            Context = Backends.CreateSecret(Square);

            // h = L_p(g^e mod p²)⁻¹ mod p with g = n + 1 and e the exponent (p − 1, or 2p for a fast key). No power is
            // needed: g^e = 1 + e·n mod p² (as n² ≡ 0), and L_p of it is e·n / p = e·q mod p.
            LInverse = ModInverse(Exponent % prime * Cofactor % prime, prime);

            // Only an encrypting owner needs the table; a decrypting node never builds it.
            randomiserTable = new Lazy<FixedBaseTable>(() =>
            {
                using var hs = Context.NewResidue();
                Context.Load(key.Hs % Square, hs);
                return new FixedBaseTable(Context, hs, key.RandomiserBits, WindowBits(key.RandomiserBits, expectedEncryptions()));
            });
        }

        /// <summary>The window with the fewest products for building a table of exponents of <paramref name="bits"/> bits
        /// (its squarings and entries) and then <paramref name="encryptions"/> powers; 10 bits when the use is unknown.</summary>
        internal static int WindowBits(int bits, long encryptions)
        {
            if (encryptions <= 0)
            {
                return DefaultWindowBits;
            }

            var best = (Window: 1, Products: long.MaxValue);
            for (var w = 1; w <= MaximumWindowBits; w++)
            {
                long windows = FixedBaseTable.WindowCount(bits, w);
                var products = ((windows - 1) * w) + (windows * ((1L << w) - 1)) + (encryptions * windows);
                if (products < best.Products)
                {
                    best = (w, products);
                }
            }

            return best.Window;
        }

        public BigInteger Prime { get; }

        /// <summary>The other prime: n / Prime.</summary>
        public BigInteger Cofactor { get; }

        public BigInteger Square { get; }

        public BigInteger Exponent { get; }

        public BigInteger LInverse { get; }

        public MontgomeryContext Context { get; }

        public FixedBaseTable RandomiserTable => randomiserTable.Value;

        /// <summary>The plaintext modulo this prime: L_p(c^e mod p²)·h mod p, exponent in constant time. With e = 2p
        /// for a fast key, c^e removes h_s^α, whose order modulo prime² divides 2p.</summary>
        public BigInteger Decrypt(BigInteger ciphertext)
        {
            var u = Context.PowSecret(ciphertext, Exponent);
            return (u - 1) / Prime * LInverse % Prime;
        }

        /// <summary>(1 + m·n)·h_s^α mod Prime², for m in [0, n): g^m mod p² is 1 + p·(m·q mod p) since n = p·q.</summary>
        public BigInteger Encrypt(BigInteger message, BigInteger alpha)
        {
            using var value = Context.NewResidue();
            RandomiserTable.Pow(alpha, value);
            if (!message.IsZero)
            {
                using var g = Context.NewResidue();
                Context.Load(1 + (Prime * (message * Cofactor % Prime)), g);
                Context.Multiply(value, g, value);
            }

            return Context.Store(value);
        }

        public void Dispose()
        {
            if (randomiserTable.IsValueCreated)
            {
                randomiserTable.Value.Dispose();
            }

            Context.Dispose();
        }
    }
}
