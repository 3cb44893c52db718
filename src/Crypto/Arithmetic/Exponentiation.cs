using System.Numerics;

namespace Duet.Crypto.Arithmetic;

/// <summary>Exponentiation with public exponents, on any backend.</summary>
public static class Exponentiation
{
    /// <summary>Left-to-right sliding-window exponentiation; variable time, for public exponents only.</summary>
    public static void SlidingWindow(MontgomeryContext context, Residue @base, BigInteger exponent, Residue destination)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bits = (int)exponent.GetBitLength();
        if (exponent.IsZero)
        {
            context.SetOne(destination);
            return;
        }

        var digits = exponent.ToByteArray(isUnsigned: true);
        var window = bits > 512 ? 6 : bits > 128 ? 5 : bits > 24 ? 4 : 1;
        var odd = new Residue[1 << (window - 1)];
        using var square = context.NewResidue();
        using var result = context.NewResidue();
        try
        {
            // odd[i] = base^(2i+1)
            odd[0] = context.NewResidue();
            context.Copy(@base, odd[0]);
            context.Square(@base, square);
            for (var i = 1; i < odd.Length; i++)
            {
                odd[i] = context.NewResidue();
                context.Multiply(odd[i - 1], square, odd[i]);
            }

            var started = false;
            var position = bits - 1;
            while (position >= 0)
            {
                if (!Bit(digits, position))
                {
                    context.Square(result, result);
                    position--;
                    continue;
                }

                // The longest window of at most `window` bits starting here and ending in a set bit.
                var low = Math.Max(position - window + 1, 0);
                while (!Bit(digits, low))
                {
                    low++;
                }

                var value = 0;
                for (var j = position; j >= low; j--)
                {
                    value = (value << 1) | (Bit(digits, j) ? 1 : 0);
                }

                if (started)
                {
                    for (var j = position; j >= low; j--)
                    {
                        context.Square(result, result);
                    }

                    context.Multiply(result, odd[value >> 1], result);
                }
                else
                {
                    context.Copy(odd[value >> 1], result);
                    started = true;
                }

                position = low - 1;
            }

            context.Copy(result, destination);
        }
        finally
        {
            foreach (var r in odd)
            {
                r?.Dispose();
            }
        }
    }

    private static bool Bit(byte[] littleEndian, int position) => ((littleEndian[position >> 3] >> (position & 7)) & 1) != 0;
}
