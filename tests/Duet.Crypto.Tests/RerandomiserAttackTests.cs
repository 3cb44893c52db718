using System.Numerics;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests;

/// <summary>
/// Plays the curious key owner of docs/protocol.md §5.4 on a toy key (16-bit primes, so n² fits in 64 bits and discrete
/// logarithms to base h_s take a baby-step giant-step search). The key owner encrypts y = 1 with its own exponent β,
/// the evaluator returns Enc(x + mask) re-randomised by h_s^α, and the key owner decrypts, strips g^m to get
/// h_s^(x·β + α), takes its logarithm γ and guesses x = ⌊γ/β⌋. With the old |n|/2-bit α this recovers x every time;
/// with the evaluator's |n| + σ-bit α the guesses are right no more often than chance.
/// </summary>
public sealed class RerandomiserAttackTests
{
    // |x| < 2^7: 256 equally likely values, so chance is 1/256.
    private const int XBits = 8;

    [Fact]
    public void ShortReRandomiserRevealsXToTheKeyOwner()
    {
        using var toy = ToyKey.Create(new Random(9));
        for (var trial = 0; trial < 50; trial++)
        {
            var x = RandomX();

            // The old evaluator: h_s^α with α of |n|/2 bits, as the key owner's own encryptions use.
            var guess = toy.Attack(x, (c, destination) =>
            {
                var alpha = Randomness.Bits(toy.Public.RandomiserBits);
                var old = BigInteger.ModPow(toy.Public.Hs, alpha, toy.Public.NSquared);
                using var zero = toy.Context.Arithmetic.NewResidue();
                toy.Context.Arithmetic.Load(old, zero);
                toy.Context.Arithmetic.Multiply(c, zero, destination);
            });
            Assert.Equal(x, guess);
        }
    }

    [Fact]
    public void FullLengthReRandomiserLeavesTheKeyOwnerGuessing()
    {
        using var toy = ToyKey.Create(new Random(10));
        var evaluator = new PaillierEvaluator(toy.Context);
        const int Trials = 400;
        var hits = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var x = RandomX();
            if (toy.Attack(x, (c, destination) => evaluator.Rerandomize(c, destination)) == x)
            {
                hits++;
            }
        }

        // Chance gives 400/256 ≈ 1.6 hits; P(≥ 13 hits) < 10⁻⁸ by chance, while the short exponent scores 400.
        Assert.True(hits <= 12, $"The key owner guessed x right {hits} times in {Trials}; chance is about {Trials / 256.0:F1}.");
    }

    private static long RandomX() => (long)Randomness.UInt64(XBits) - (1L << (XBits - 1));

    /// <summary>A toy key, its owner's decryptor, and the discrete logarithm to base h_s.</summary>
    private sealed class ToyKey : IDisposable
    {
        private readonly PaillierPrivateKey owner;
        private readonly ulong modulus;
        private readonly ulong order;
        private readonly ulong babySteps;
        private readonly Dictionary<ulong, ulong> baby = [];
        private readonly ulong giantStep;
        private readonly BigInteger phiOfNSquared;

        private ToyKey(ulong p, ulong q, ulong hs, ulong order)
        {
            var n = new BigInteger(p) * q;
            Public = PaillierPublicKey.CreateUncheckedForTests(n, hs);
            owner = new PaillierPrivateKey(p, q, Public);
            modulus = (ulong)(n * n);
            phiOfNSquared = n * (p - 1) * (q - 1);
            this.order = order;
            babySteps = (ulong)Math.Ceiling(Math.Sqrt(order));
            var power = 1UL;
            for (var j = 0UL; j < babySteps; j++)
            {
                baby.TryAdd(power, j);
                power = MulMod(power, hs);
            }

            // h_s^(−babySteps) = h_s^(order − babySteps).
            giantStep = PowMod(hs, order - babySteps);
        }

        public PaillierPublicKey Public { get; }

        /// <summary>The toy key's arithmetic (the owner's).</summary>
        public PaillierContext Context => owner.Context;

        public static ToyKey Create(Random random)
        {
            while (true)
            {
                var p = RandomPrime(random);
                var q = RandomPrime(random);
                var n = p * q;
                var lambda = Lcm(p - 1, q - 1);
                if (p == q || BigInteger.GreatestCommonDivisor(n, (p - 1) * (q - 1)) != 1)
                {
                    continue;
                }

                // h_s = (−u²)^n mod n², as the key generator makes it; keep one whose order is large enough that
                // x·β + α (< 2^7·2^17 + 2^16 in magnitude) never wraps.
                var u = (ulong)random.NextInt64(2, (long)n);
                if (BigInteger.GreatestCommonDivisor(u, n) != 1)
                {
                    continue;
                }

                var nSquared = new BigInteger(n) * n;
                var hs = (ulong)BigInteger.ModPow(n - (u * u % n), n, nSquared);
                var order = Order(hs, lambda, nSquared);
                if (order >= 1UL << 27)
                {
                    return new ToyKey(p, q, hs, order);
                }
            }
        }

        /// <summary>
        /// One attack: the key owner encrypts 1 with a β it knows, the evaluator computes Enc(1)^x·g^mask and
        /// re-randomises it with <paramref name="rerandomise"/>; the key owner returns its guess of x.
        /// </summary>
        public long Attack(long x, Action<Arithmetic.Residue, Arithmetic.Residue> rerandomise)
        {
            var context = Context.Arithmetic;
            var n = Public.N;

            // The key owner's exponent: at least 2^(|n|/2), so α < 2^(|n|/2) ≤ β and ⌊γ/β⌋ is exact.
            var beta = (BigInteger.One << Public.RandomiserBits) + Randomness.Bits(Public.RandomiserBits);
            var y = (1 + n) * BigInteger.ModPow(Public.Hs, beta, Public.NSquared) % Public.NSquared;

            // The evaluator: Y^x, a mask, then the re-randomiser under test.
            using var c = context.NewResidue();
            context.Load(y, c);
            var evaluator = new PaillierEvaluator(Context);
            evaluator.Multiply(c, x, c);
            evaluator.AddPlain(c, Randomness.Bits(24), c);
            rerandomise(c, c);

            // The key owner: m = Dec(c), h_s^γ = c / g^m, γ = log h_s^γ, centred in (−order/2, order/2].
            var m = new PaillierDecryptor(owner).DecryptUnsigned(c);
            var gm = (1 + (m * n)) % Public.NSquared;
            var stripped = context.Store(c) * BigInteger.ModPow(gm, phiOfNSquared - 1, Public.NSquared) % Public.NSquared;
            var gamma = new BigInteger(Log((ulong)stripped));
            if (gamma > order / 2)
            {
                gamma -= order;
            }

            return (long)BigInteger.Divide(gamma - (gamma.Sign < 0 ? beta - 1 : 0), beta);
        }

        public void Dispose()
        {
            owner.Dispose();
        }

        private static ulong Order(ulong hs, ulong lambda, BigInteger nSquared)
        {
            // The n-th powers form a subgroup isomorphic to Z*_n, so ord(h_s) divides λ(n); strip its prime factors.
            var order = lambda;
            foreach (var f in PrimeFactors(lambda))
            {
                while (order % f == 0 && BigInteger.ModPow(hs, order / f, nSquared).IsOne)
                {
                    order /= f;
                }
            }

            return order;
        }

        private static List<ulong> PrimeFactors(ulong value)
        {
            var factors = new List<ulong>();
            for (ulong f = 2; f * f <= value; f++)
            {
                if (value % f == 0)
                {
                    factors.Add(f);
                    while (value % f == 0)
                    {
                        value /= f;
                    }
                }
            }

            if (value > 1)
            {
                factors.Add(value);
            }

            return factors;
        }

        /// <summary>log to base h_s of a power of h_s, by baby-step giant-step.</summary>
        private ulong Log(ulong target)
        {
            var value = target;
            for (var i = 0UL; i <= order / babySteps; i++)
            {
                if (baby.TryGetValue(value, out var j))
                {
                    return ((i * babySteps) + j) % order;
                }

                value = MulMod(value, giantStep);
            }

            throw new InvalidOperationException("The value is not a power of h_s.");
        }

        private ulong MulMod(ulong a, ulong b) => (ulong)((UInt128)a * b % modulus);

        private ulong PowMod(ulong value, ulong exponent)
        {
            var result = 1UL;
            for (; exponent != 0; exponent >>= 1, value = MulMod(value, value))
            {
                if ((exponent & 1) != 0)
                {
                    result = MulMod(result, value);
                }
            }

            return result;
        }

        private static ulong RandomPrime(Random random)
        {
            while (true)
            {
                // Top two bits set, so that n = p·q has exactly 32 bits and n² fits in 64.
                var candidate = (ulong)random.Next(0xC000, 0x10000) | 1;
                var prime = true;
                for (ulong d = 3; d * d <= candidate; d += 2)
                {
                    prime &= candidate % d != 0;
                }

                if (prime)
                {
                    return candidate;
                }
            }
        }

        private static ulong Lcm(ulong a, ulong b) => a / (ulong)BigInteger.GreatestCommonDivisor(a, b) * b;
    }
}
