using System.Collections.Concurrent;
using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

/// <summary>
/// The arithmetic of one Paillier public key, beside the passive key as SEAL keeps keys beside a context: Montgomery
/// arithmetic modulo n², h_s as a residue and the cache of its fixed-base tables, and the reading of ciphertexts with
/// the checks of docs/protocol.md §9. Shared by all threads; disposing it releases the native memory.
/// </summary>
public sealed class PaillierContext : IDisposable
{
    /// <summary>Re-randomiser powers computed without a table before the table is built.</summary>
    internal const int PowersBeforeTable = 32;

    /// <summary>Window of the fixed-base tables for h_s; 2^8 entries per window.</summary>
    private const int RandomiserWindowBits = 8;

    // One table per exponent length in use: |n| + σ bits for each σ a session asked for.
    private readonly ConcurrentDictionary<int, Lazy<FixedBaseTable>> rerandomiserTables = new();

    private long rerandomiserPowers;

    public PaillierContext(PaillierPublicKey key)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Arithmetic = Backends.Create(key.NSquared);
        if (Arithmetic.ByteLength != key.CiphertextBytes)
        {
            throw new InvalidOperationException($"n² takes {Arithmetic.ByteLength} bytes in the arithmetic but {key.CiphertextBytes} on the wire");
        }

        HsResidue = Arithmetic.NewResidue();
        Arithmetic.Load(key.Hs, HsResidue);
    }

    public PaillierPublicKey Key { get; }

    /// <summary>Montgomery arithmetic modulo n².</summary>
    public MontgomeryContext Arithmetic { get; }

    internal Residue HsResidue { get; }

    /// <summary>A context for the key made from these bytes (<see cref="PaillierPublicKey.FromBytes"/>).</summary>
    public static PaillierContext FromBytes(ReadOnlySpan<byte> bytes, int minimumBits = PaillierPublicKey.MinimumBits) =>
        new(PaillierPublicKey.FromBytes(bytes, minimumBits));

    /// <summary>
    /// destination = h_s^α for a fresh α uniform of <see cref="RerandomiserBits"/> bits. The first
    /// <see cref="PowersBeforeTable"/> powers use a constant-time exponentiation; after them a fixed-base table (one
    /// product per 8-bit window), which costs about as much to build as that many exponentiations.
    /// </summary>
    internal void RerandomiserPower(int sigma, Residue destination)
    {
        var bits = Key.RerandomiserBits(sigma);
        var alpha = Randomness.Bits(bits);
        if (Interlocked.Increment(ref rerandomiserPowers) > PowersBeforeTable)
        {
            RerandomiserTable(sigma).Pow(alpha, destination);
        }
        else
        {
            Arithmetic.Load(Arithmetic.PowSecret(Key.Hs, alpha), destination);
        }
    }

    /// <summary>The fixed-base table of h_s for exponents of <see cref="RerandomiserBits"/> bits, built on first use.</summary>
    internal FixedBaseTable RerandomiserTable(int sigma)
    {
        var bits = Key.RerandomiserBits(sigma);
        return rerandomiserTables.GetOrAdd(
            bits,
            b => new Lazy<FixedBaseTable>(() => new FixedBaseTable(Arithmetic, HsResidue, b, RandomiserWindowBits))).Value;
    }

    /// <summary>Reads a fixed-width big-endian ciphertext, checking 0 &lt; c &lt; n² and gcd(c, n) = 1.</summary>
    public void ReadCiphertext(ReadOnlySpan<byte> bigEndian, Residue destination)
    {
        var c = ParseCiphertext(bigEndian);
        if (!BigInteger.GreatestCommonDivisor(c, Key.N).IsOne)
        {
            throw new InvalidCiphertextException("coprime", "A ciphertext shares a factor with n.");
        }

        Arithmetic.Load(bigEndian, destination);
    }

    /// <summary>
    /// Reads a batch of fixed-width ciphertexts, checking each range and, once, that the product is coprime to n
    /// (a product is coprime exactly when every factor is).
    /// </summary>
    public void ReadCiphertexts(ReadOnlySpan<byte> bigEndian, IReadOnlyList<Residue> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (bigEndian.Length != destinations.Count * Key.CiphertextBytes)
        {
            throw new InvalidCiphertextException("count", $"Expected {destinations.Count} ciphertexts of {Key.CiphertextBytes} bytes, got {bigEndian.Length} bytes.");
        }

        if (destinations.Count == 0)
        {
            return;
        }

        using var product = Arithmetic.NewResidue();
        for (var i = 0; i < destinations.Count; i++)
        {
            var slice = bigEndian.Slice(i * Key.CiphertextBytes, Key.CiphertextBytes);
            ParseCiphertext(slice);
            Arithmetic.Load(slice, destinations[i]);
            if (i == 0)
            {
                Arithmetic.Copy(destinations[i], product);
            }
            else
            {
                Arithmetic.Multiply(product, destinations[i], product);
            }
        }

        if (!BigInteger.GreatestCommonDivisor(Arithmetic.Store(product), Key.N).IsOne)
        {
            throw new InvalidCiphertextException("coprime", "A ciphertext of the batch shares a factor with n.");
        }
    }

    public void WriteCiphertext(Residue ciphertext, Span<byte> bigEndian) => Arithmetic.Store(ciphertext, bigEndian);

    public void Dispose()
    {
        foreach (var table in rerandomiserTables.Values)
        {
            if (table.IsValueCreated)
            {
                table.Value.Dispose();
            }
        }

        HsResidue.Dispose();
        Arithmetic.Dispose();
    }

    private BigInteger ParseCiphertext(ReadOnlySpan<byte> bigEndian)
    {
        if (bigEndian.Length != Key.CiphertextBytes)
        {
            throw new InvalidCiphertextException("width", $"A ciphertext must be {Key.CiphertextBytes} bytes, got {bigEndian.Length}.");
        }

        var c = new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true);
        if (c.IsZero || c >= Key.NSquared)
        {
            throw new InvalidCiphertextException("range", "A ciphertext lies outside 0 < c < n².");
        }

        return c;
    }

}
