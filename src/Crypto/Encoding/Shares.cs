using System.Numerics;

namespace Duet.Crypto.Encoding;

/// <summary>Additive shares in their domain: reduction, and reconstruction of the product.</summary>
public static class Shares
{
    private static readonly BigInteger Ring = BigInteger.One << 64;

    /// <summary>Bits a ring64 share sum holds exactly as a signed integer: |P| &lt; 2^63.</summary>
    public const int Ring64ExactBits = 63;

    /// <summary>The exactness rule of a domain: true when every product entry below 2^productBits in magnitude is
    /// reconstructed exactly (always for integer shares; ring64 only while |P| &lt; 2^63).</summary>
    public static bool IsExact(ShareDomain domain, int productBits) => domain == ShareDomain.Integer || productBits <= Ring64ExactBits;

    /// <summary>The same rule for one product entry.</summary>
    public static bool IsExact(ShareDomain domain, BigInteger product) => IsExact(domain, (int)BigInteger.Abs(product).GetBitLength());

    /// <summary>Expresses an exact integer share in the domain: unchanged, or reduced mod 2^64 into [0, 2^64).</summary>
    public static BigInteger Reduce(BigInteger share, ShareDomain domain) => domain switch
    {
        ShareDomain.Integer => share,
        ShareDomain.Ring64 => (ulong)(share & ulong.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    public static Matrix<BigInteger> Reduce(Matrix<BigInteger> share, ShareDomain domain)
    {
        ArgumentNullException.ThrowIfNull(share);
        return share.Map(x => Reduce(x, domain));
    }

    /// <summary>share_A + share_B in the domain; ring64 sums read as signed 64-bit two's complement.</summary>
    public static BigInteger Reconstruct(BigInteger a, BigInteger b, ShareDomain domain)
    {
        if (domain == ShareDomain.Integer)
        {
            return a + b;
        }

        var sum = (a + b) & ulong.MaxValue;
        return sum >= (Ring >> 1) ? sum - Ring : sum;
    }

    public static Matrix<BigInteger> Reconstruct(Matrix<BigInteger> a, Matrix<BigInteger> b, ShareDomain domain)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rows != b.Rows || a.Columns != b.Columns)
        {
            throw new EncodingException($"The shares have different shapes: {a.Rows}x{a.Columns} and {b.Rows}x{b.Columns}.");
        }

        var result = new Matrix<BigInteger>(a.Rows, a.Columns);
        for (var i = 0; i < result.Data.Length; i++)
        {
            result.Data[i] = Reconstruct(a.Data[i], b.Data[i], domain);
        }

        return result;
    }

    /// <summary>The exact integer product, the oracle every protocol run is checked against.</summary>
    public static Matrix<BigInteger> Product(Matrix<long> left, Matrix<long> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Columns != right.Rows)
        {
            throw new EncodingException($"Inner dimensions differ: {left.Rows}x{left.Columns} times {right.Rows}x{right.Columns}.");
        }

        var result = new Matrix<BigInteger>(left.Rows, right.Columns);
        for (var i = 0; i < left.Rows; i++)
        {
            for (var j = 0; j < right.Columns; j++)
            {
                Int128 sum = 0;
                var overflow = BigInteger.Zero;
                for (var k = 0; k < left.Columns; k++)
                {
                    var term = (Int128)left[i, k] * right[k, j];
                    var next = sum + term;
                    if (((sum ^ next) & (term ^ next)) < 0)
                    {
                        overflow += sum;
                        next = term;
                    }

                    sum = next;
                }

                result[i, j] = overflow + (BigInteger)sum;
            }
        }

        return result;
    }
}
