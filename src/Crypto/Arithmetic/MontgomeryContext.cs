using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Duet.Crypto.Arithmetic;

/// <summary>An element of Z_m held by one backend, in Montgomery form. Owned by the caller; reusable as a destination.</summary>
public abstract class Residue : IDisposable
{
    /// <summary>True once disposed; every arithmetic operation on it then throws <see cref="ObjectDisposedException"/>.</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>
/// Fixed-width Montgomery arithmetic modulo one odd modulus. Immutable after construction and safe to share
/// across threads; every operation writes into a caller-owned destination, which may alias an input.
/// </summary>
public abstract class MontgomeryContext : IDisposable
{
    protected MontgomeryContext(BigInteger modulus)
    {
        if (modulus <= 1 || modulus.IsEven)
        {
            throw new ArgumentException("Montgomery arithmetic needs an odd modulus above 1.", nameof(modulus));
        }

        Modulus = modulus;
        ByteLength = (int)((modulus.GetBitLength() + 7) / 8);
    }

    public BigInteger Modulus { get; }

    /// <summary>Width in bytes of a value modulo <see cref="Modulus"/> written big-endian.</summary>
    public int ByteLength { get; }

    /// <summary>Name of the backend: "native" or "managed".</summary>
    public abstract string Backend { get; }

    /// <summary>A new residue holding zero.</summary>
    public abstract Residue NewResidue();

    /// <summary>Sets <paramref name="destination"/> to <paramref name="value"/> (0 ≤ value &lt; modulus).</summary>
    public abstract void Load(BigInteger value, Residue destination);

    /// <summary>Sets <paramref name="destination"/> from an unsigned big-endian value below the modulus.</summary>
    public abstract void Load(ReadOnlySpan<byte> bigEndian, Residue destination);

    /// <summary>The ordinary value of <paramref name="value"/> in [0, modulus).</summary>
    public abstract BigInteger Store(Residue value);

    /// <summary>Writes the ordinary value as exactly <see cref="ByteLength"/> big-endian bytes.</summary>
    public abstract void Store(Residue value, Span<byte> bigEndian);

    public abstract void SetOne(Residue destination);

    public abstract void Copy(Residue source, Residue destination);

    /// <summary>destination = a·b mod m.</summary>
    public abstract void Multiply(Residue a, Residue b, Residue destination);

    /// <summary>destination = a² mod m.</summary>
    public virtual void Square(Residue a, Residue destination) => Multiply(a, a, destination);

    /// <summary>value = value^(2^times) mod m: <paramref name="times"/> squarings in place.</summary>
    public void SquareTimes(Residue value, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Square(value, value);
        }
    }

    /// <summary>destination = a⁻¹ mod m, for a public value a (not constant time). Throws when a is not invertible.</summary>
    public abstract void Inverse(Residue a, Residue destination);

    /// <summary>
    /// Takes a residue's native addresses once, for an owner that keeps it alive and never writes it again (a table
    /// entry): <see cref="Prefetch"/> and <see cref="MultiplyBy"/> then use them without a check or a pointer chase
    /// per product. The managed backend has no addresses; there both fall back to the plain operations.
    /// </summary>
    public virtual PinnedResidue Pin(Residue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PinnedResidue(this, value, 0, 0);
    }

    /// <summary>accumulator = accumulator · factor mod m.</summary>
    public virtual void MultiplyBy(Residue accumulator, in PinnedResidue factor) => Multiply(accumulator, factor.Residue, accumulator);

    /// <summary>
    /// A hint that a pinned residue is about to be read: the first stage fetches its header, the second (issued a step
    /// later) its digits. Table walks call it ahead of use to hide cache misses; nothing on the managed backend.
    /// </summary>
    public unsafe void Prefetch(in PinnedResidue value, bool digits)
    {
        if (!Sse.IsSupported || value.Header == 0)
        {
            return;
        }

        if (!digits)
        {
            Sse.Prefetch0((void*)value.Header);
            return;
        }

        var limbs = (byte*)value.Digits;
        for (var offset = 0; offset < ByteLength; offset += 64)
        {
            Sse.Prefetch0(limbs + offset);
        }
    }

    /// <summary>True when the two residues hold the same value.</summary>
    public abstract bool AreEqual(Residue a, Residue b);

    /// <summary>base^exponent mod m for a public exponent ≥ 0 (variable time, sliding window).</summary>
    public virtual void Pow(Residue @base, BigInteger exponent, Residue destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent.Sign, nameof(exponent));
        Exponentiation.SlidingWindow(this, @base, exponent, destination);
    }

    /// <summary>base^exponent mod m for a secret exponent ≥ 0, in time independent of the exponent's value.</summary>
    public abstract BigInteger PowSecret(BigInteger @base, BigInteger exponent);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>A residue with its native header and digits addresses (zero on the managed backend); see
/// <see cref="MontgomeryContext.Pin"/>. Valid while the residue is alive and unchanged.</summary>
public readonly struct PinnedResidue
{
    internal PinnedResidue(MontgomeryContext owner, Residue residue, nint header, nint digits)
    {
        Owner = owner;
        Residue = residue;
        Header = header;
        Digits = digits;
    }

    public Residue Residue { get; }

    internal MontgomeryContext Owner { get; }

    internal nint Header { get; }

    internal nint Digits { get; }
}
