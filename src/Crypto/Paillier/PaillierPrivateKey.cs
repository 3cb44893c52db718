using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duet.Crypto.Arithmetic;

namespace Duet.Crypto.Paillier;

/// <summary>The factorisation p·q of a Paillier modulus, with the CRT constants the key owner needs.</summary>
public sealed partial class PaillierPrivateKey : IDisposable
{
    private const string FileFormat = "duet-paillier-private-key";

    // Miller–Rabin error below 2^−100 for a composite.
    private const int PrimeCertainty = 100;

    private readonly Lazy<CrtHalf> pHalf;
    private readonly Lazy<CrtHalf> qHalf;
    private long expectedEncryptions;

    /// <param name="pOrder">For a <see cref="KeyForm.Fast"/> key: the l/2-bit prime dividing (p − 1)/2 (the paper's
    /// small p, with <paramref name="p"/> its P); null for a standard key. Likewise <paramref name="qOrder"/>.</param>
    public PaillierPrivateKey(BigInteger p, BigInteger q, PaillierPublicKey publicKey, BigInteger? pOrder = null, BigInteger? qOrder = null)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (p * q != publicKey.N)
        {
            throw new InvalidKeyException("factors", "p·q does not equal the public modulus.");
        }

        if ((pOrder is null) != (qOrder is null) || (pOrder is null) != (publicKey.Form == KeyForm.Standard))
        {
            throw new InvalidKeyException("form", "A fast key needs both subgroup orders and a public key of the fast form; a standard key neither.");
        }

        P = p;
        Q = q;
        POrder = pOrder;
        QOrder = qOrder;
        PublicKey = publicKey;
        Context = new PaillierContext(publicKey);
        PSquared = p * p;
        QSquared = q * q;
        QSquaredInverse = ModInverse(QSquared, PSquared);
        QInverse = ModInverse(q, p);
        pHalf = new Lazy<CrtHalf>(() => new CrtHalf(p, publicKey, pOrder, () => Volatile.Read(ref expectedEncryptions)));
        qHalf = new Lazy<CrtHalf>(() => new CrtHalf(q, publicKey, qOrder, () => Volatile.Read(ref expectedEncryptions)));
    }

    /// <summary>
    /// Sizes the owner's encryption tables (built at the first encryption) for about <paramref name="count"/>
    /// encryptions: a table that costs more to build than it saves is not built. Without it the window is 10 bits.
    /// </summary>
    public void ExpectEncryptions(long count) => Volatile.Write(ref expectedEncryptions, Math.Max(0, count));

    public BigInteger P { get; }

    public BigInteger Q { get; }

    /// <summary>The l/2-bit prime dividing (P − 1)/2 of a fast key; null for a standard key.</summary>
    public BigInteger? POrder { get; }

    /// <summary>The l/2-bit prime dividing (Q − 1)/2 of a fast key; null for a standard key.</summary>
    public BigInteger? QOrder { get; }

    public PaillierPublicKey PublicKey { get; }

    /// <summary>The public key's arithmetic, owned by this key and disposed with it.</summary>
    public PaillierContext Context { get; }

    internal BigInteger PSquared { get; }

    internal BigInteger QSquared { get; }

    /// <summary>(q²)⁻¹ mod p², to join residues mod p² and q².</summary>
    internal BigInteger QSquaredInverse { get; }

    /// <summary>q⁻¹ mod p, to join plaintexts mod p and q.</summary>
    internal BigInteger QInverse { get; }

    internal CrtHalf PHalf => pHalf.Value;

    internal CrtHalf QHalf => qHalf.Value;

    /// <summary>The key file a user keeps: JSON marked secret, with the factors and h_s.</summary>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["format"] = FileFormat,
            ["version"] = 1,
            ["secret"] = true,
            ["warning"] = "This file holds a Paillier private key. Keep it private.",
            ["bits"] = PublicKey.Bits,
            ["p"] = P.ToString("x", CultureInfo.InvariantCulture),
            ["q"] = Q.ToString("x", CultureInfo.InvariantCulture),
            ["hs"] = PublicKey.Hs.ToString("x", CultureInfo.InvariantCulture),
        };
        if (POrder is { } pOrder && QOrder is { } qOrder)
        {
            node["form"] = "fast";
            node["p-order"] = pOrder.ToString("x", CultureInfo.InvariantCulture);
            node["q-order"] = qOrder.ToString("x", CultureInfo.InvariantCulture);
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a key file written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidKeyException">The text is not such a file, or the key fails a check.</exception>
    public static PaillierPrivateKey FromJson(string json, int minimumBits = PaillierPublicKey.MinimumBits)
    {
        BigInteger p, q, hs;
        BigInteger? pOrder = null, qOrder = null;
        int? bits;
        try
        {
            var node = JsonNode.Parse(json);
            if (node?["format"]?.GetValue<string>() != FileFormat)
            {
                throw new InvalidKeyException("format", $"The key file is not a {FileFormat}.");
            }

            (p, q, hs) = (ParseHex(node["p"], "p"), ParseHex(node["q"], "q"), ParseHex(node["hs"], "hs"));
            switch (node["form"]?.GetValue<string>())
            {
                case null or "standard":
                    break;
                case "fast":
                    (pOrder, qOrder) = (ParseHex(node["p-order"], "p-order"), ParseHex(node["q-order"], "q-order"));
                    break;
                case var other:
                    throw new InvalidKeyException("format", $"The key file's form '{other}' is not standard or fast.");
            }

            bits = node["bits"] switch
            {
                null => null,
                JsonValue v when v.TryGetValue<int>(out var b) => b,
                _ => throw new InvalidKeyException("format", "The key file's 'bits' is not an integer."),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidKeyException("format", $"The key file is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // JsonNode's answer to valid JSON of the wrong shape: an array or a number where an object or a string
            // belongs, or a property given twice.
            throw new InvalidKeyException("format", $"The key file does not have the fields of a {FileFormat}: {e.Message}");
        }

        var orderBits = pOrder is { } po && qOrder is { } qo ? (int)(po.GetBitLength() + qo.GetBitLength()) : (int?)null;
        var publicKey = PaillierPublicKey.Create(p * q, hs, minimumBits, orderBits);
        CheckFactors(p, q, bits ?? publicKey.Bits, publicKey.Bits);
        if (pOrder is { } pSub && qOrder is { } qSub)
        {
            FastKeyForm.CheckOrders(p, q, pSub, qSub, publicKey);
        }

        return new PaillierPrivateKey(p, q, publicKey, pOrder, qOrder);
    }

    /// <summary>
    /// The checks of a loaded key (docs/protocol.md §8): n = p·q has the bits the file declares, p ≠ q, gcd(n, φ(n)) = 1,
    /// |p − q| &gt; 2^(|n|/2 − 100), and both are probable primes of |n|/2 bits. A tampered, corrupted or badly made
    /// file fails one of them.
    /// </summary>
    internal static void CheckFactors(BigInteger p, BigInteger q, int declaredBits, int modulusBits)
    {
        if (declaredBits != modulusBits)
        {
            throw new InvalidKeyException("private-bits", $"The key file declares {declaredBits} bits but p·q has {modulusBits}.");
        }

        if (p == q)
        {
            throw new InvalidKeyException("private-distinct", "The key file's p and q are equal.");
        }

        // Before the size check, which also refuses such factors (two primes of one size never share a factor with φ),
        // so that the error names the property that fails.
        if (!CoprimeToTotient(p, q))
        {
            throw new InvalidKeyException("private-coprime", "The key file's p and q give gcd(n, φ(n)) ≠ 1: p divides q − 1 or q divides p − 1.");
        }

        if (!FarApart(p, q, modulusBits))
        {
            throw new InvalidKeyException("private-distance", $"The key file's p and q are too close: |p − q| ≤ 2^{MinimumDistanceBits(modulusBits)}, which Fermat's method factors.");
        }

        foreach (var (factor, name) in new[] { (p, "p"), (q, "q") })
        {
            if (factor.GetBitLength() != modulusBits / 2 || modulusBits % 2 != 0)
            {
                throw new InvalidKeyException("private-factor-size", $"The key file's {name} has {factor.GetBitLength()} bits; a {modulusBits}-bit key needs {modulusBits / 2}.");
            }

            var candidate = new Org.BouncyCastle.Math.BigInteger(1, factor.ToByteArray(isUnsigned: true, isBigEndian: true));
            if (!candidate.IsProbablePrime(PrimeCertainty))
            {
                throw new InvalidKeyException("private-factor-prime", $"The key file's {name} is not prime.");
            }
        }
    }

    /// <summary>gcd(n, φ(n)) = 1 for n = p·q, which Paillier with g = n + 1 needs (docs/protocol.md §8).</summary>
    internal static bool CoprimeToTotient(BigInteger p, BigInteger q) => BigInteger.GreatestCommonDivisor(p * q, (p - 1) * (q - 1)).IsOne;

    /// <summary>|p − q| &gt; 2^(|n|/2 − 100) (docs/protocol.md §8): closer factors fall to Fermat's method.</summary>
    internal static bool FarApart(BigInteger p, BigInteger q, int modulusBits) => BigInteger.Abs(p - q) > BigInteger.One << MinimumDistanceBits(modulusBits);

    private static int MinimumDistanceBits(int modulusBits) => Math.Max((modulusBits / 2) - 100, 1);

    public void Dispose()
    {
        if (pHalf.IsValueCreated)
        {
            pHalf.Value.Dispose();
        }

        if (qHalf.IsValueCreated)
        {
            qHalf.Value.Dispose();
        }

        Context.Dispose();
    }

    internal static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        var bcValue = new Org.BouncyCastle.Math.BigInteger(1, value.ToByteArray(isUnsigned: true, isBigEndian: true));
        var bcModulus = new Org.BouncyCastle.Math.BigInteger(1, modulus.ToByteArray(isUnsigned: true, isBigEndian: true));
        return new BigInteger(bcValue.ModInverse(bcModulus).ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);
    }

    private static BigInteger ParseHex(JsonNode? node, string name)
    {
        var text = node?.GetValue<string>();
        if (string.IsNullOrEmpty(text) || !BigInteger.TryParse("0" + text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || value.Sign <= 0)
        {
            throw new InvalidKeyException("format", $"The key file's '{name}' is not a positive hexadecimal number.");
        }

        return value;
    }
}
