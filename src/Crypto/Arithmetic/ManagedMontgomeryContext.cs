using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Montgomery arithmetic in pure C# on 64-bit limbs (CIOS product, SOS squaring, branch-free final subtraction).
/// Portable fallback for the native backend and its test oracle.
/// </summary>
[SkipLocalsInit]
public sealed class ManagedMontgomeryContext : MontgomeryContext
{
    /// <summary>Largest supported width in limbs (8192-bit moduli), so scratch always fits on the stack.</summary>
    public const int MaxLimbs = 128;

    private const int SecretWindowBits = 5;

    private readonly int _limbs;
    private readonly int _bitLength;
    private readonly ulong[] _modulus;
    private readonly ulong[] _rSquared;
    private readonly ulong[] _one;
    private readonly ulong _negativeInverse;

    public ManagedMontgomeryContext(BigInteger modulus)
        : base(modulus)
    {
        _bitLength = (int)modulus.GetBitLength();
        _limbs = (_bitLength + 63) / 64;
        if (_limbs > MaxLimbs)
        {
            throw new ArgumentOutOfRangeException(nameof(modulus), $"The managed backend supports moduli up to {MaxLimbs * 64} bits.");
        }

        _modulus = ToLimbs(modulus, _limbs);
        _rSquared = ToLimbs(BigInteger.ModPow(2, 128 * _limbs, modulus), _limbs);
        _one = ToLimbs(BigInteger.ModPow(2, 64 * _limbs, modulus), _limbs);
        _negativeInverse = NegativeInverse(_modulus[0]);
    }

    public override string Backend => "managed";

    public override Residue NewResidue() => new ManagedResidue(_limbs);

    public override void Load(BigInteger value, Residue destination)
    {
        var target = Own(destination);
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value must lie in [0, modulus).");
        }

        Span<ulong> plain = stackalloc ulong[_limbs];
        WriteLimbs(value, plain);
        MontgomeryProduct(plain, _rSquared, target.Limbs);
    }

    public override void Load(ReadOnlySpan<byte> bigEndian, Residue destination)
    {
        var target = Own(destination);
        Span<ulong> plain = stackalloc ulong[_limbs];
        plain.Clear();
        for (int i = 0; i < bigEndian.Length; i++)
        {
            int position = bigEndian.Length - 1 - i;
            int limb = position / 8;
            if (limb >= _limbs)
            {
                if (bigEndian[i] != 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(bigEndian), "The value must lie in [0, modulus).");
                }

                continue;
            }

            plain[limb] |= (ulong)bigEndian[i] << (8 * (position % 8));
        }

        if (Compare(plain, _modulus) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bigEndian), "The value must lie in [0, modulus).");
        }

        MontgomeryProduct(plain, _rSquared, target.Limbs);
    }

    public override BigInteger Store(Residue value)
    {
        var source = Own(value);
        Span<ulong> plain = stackalloc ulong[_limbs];
        Reduce(source.Limbs, plain);
        return new BigInteger(MemoryMarshal.AsBytes(ToLittleEndian(plain)), isUnsigned: true, isBigEndian: false);
    }

    public override void Store(Residue value, Span<byte> bigEndian)
    {
        var source = Own(value);
        if (bigEndian.Length != ByteLength)
        {
            throw new ArgumentException($"The destination must be exactly {ByteLength} bytes.", nameof(bigEndian));
        }

        Span<ulong> plain = stackalloc ulong[_limbs];
        Reduce(source.Limbs, plain);
        for (int i = 0; i < bigEndian.Length; i++)
        {
            int position = bigEndian.Length - 1 - i;
            bigEndian[i] = (byte)(plain[position / 8] >> (8 * (position % 8)));
        }
    }

    public override void SetOne(Residue destination) => _one.CopyTo(Own(destination).Limbs, 0);

    public override void Copy(Residue source, Residue destination)
    {
        var from = Own(source);
        var to = Own(destination);
        from.Limbs.CopyTo(to.Limbs, 0);
    }

    public override void Multiply(Residue a, Residue b, Residue destination) =>
        MontgomeryProduct(Own(a).Limbs, Own(b).Limbs, Own(destination).Limbs);

    public override void Square(Residue a, Residue destination) =>
        MontgomerySquare(Own(a).Limbs, Own(destination).Limbs);

    public override void Inverse(Residue a, Residue destination)
    {
        var target = Own(destination);
        var value = Store(a);
        Load(InverseOf(value, Modulus), target);
    }

    public override bool AreEqual(Residue a, Residue b) =>
        Own(a).Limbs.AsSpan().SequenceEqual(Own(b).Limbs);

    public override BigInteger PowSecret(BigInteger @base, BigInteger exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent.Sign, nameof(exponent));
        var reduced = BigInteger.Remainder(@base, Modulus);
        if (reduced.Sign < 0)
        {
            reduced += Modulus;
        }

        // The number of windows depends only on the public widths, never on the exponent's value.
        int exponentBits = (int)((exponent.GetBitLength() + 63) / 64 * 64);
        int windows = (Math.Max(exponentBits, _bitLength) + SecretWindowBits - 1) / SecretWindowBits;
        int tableSize = 1 << SecretWindowBits;
        byte[] exponentBytes = new byte[((windows * SecretWindowBits) + 7) / 8 + 1];
        ulong[] table = ArrayPool<ulong>.Shared.Rent((tableSize + 2) * _limbs);
        try
        {
            exponent.TryWriteBytes(exponentBytes, out _, isUnsigned: true, isBigEndian: false);
            var entries = table.AsSpan(0, tableSize * _limbs);
            var accumulator = table.AsSpan(tableSize * _limbs, _limbs);
            var selected = table.AsSpan((tableSize + 1) * _limbs, _limbs);

            _one.CopyTo(entries[.._limbs]);
            WriteLimbs(reduced, selected);
            MontgomeryProduct(selected, _rSquared, entries.Slice(_limbs, _limbs));
            for (int i = 2; i < tableSize; i++)
            {
                MontgomeryProduct(entries.Slice((i - 1) * _limbs, _limbs), entries.Slice(_limbs, _limbs), entries.Slice(i * _limbs, _limbs));
            }

            _one.CopyTo(accumulator);
            for (int w = windows - 1; w >= 0; w--)
            {
                for (int s = 0; s < SecretWindowBits; s++)
                {
                    MontgomerySquare(accumulator, accumulator);
                }

                SelectEntry(entries, ReadWindow(exponentBytes, w * SecretWindowBits), selected);
                MontgomeryProduct(accumulator, selected, accumulator);
            }

            Reduce(accumulator, selected);
            return new BigInteger(MemoryMarshal.AsBytes(ToLittleEndian(selected)), isUnsigned: true, isBigEndian: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(table.AsSpan(0, (tableSize + 2) * _limbs)));
            CryptographicOperations.ZeroMemory(exponentBytes);
            ArrayPool<ulong>.Shared.Return(table);
        }
    }

    /// <summary>Copies table entry <paramref name="index"/> by reading every entry, so memory access never depends on it.</summary>
    private void SelectEntry(ReadOnlySpan<ulong> entries, int index, Span<ulong> destination)
    {
        destination.Clear();
        int count = entries.Length / _limbs;
        for (int i = 0; i < count; i++)
        {
            ulong difference = (ulong)(uint)(i ^ index);
            ulong mask = ((difference | (0UL - difference)) >> 63) - 1;
            var entry = entries.Slice(i * _limbs, _limbs);
            for (int j = 0; j < destination.Length; j++)
            {
                destination[j] |= entry[j] & mask;
            }
        }
    }

    private static int ReadWindow(byte[] littleEndian, int bitIndex)
    {
        int byteIndex = bitIndex / 8;
        int pair = littleEndian[byteIndex] | (littleEndian[byteIndex + 1] << 8);
        return (pair >> (bitIndex % 8)) & ((1 << SecretWindowBits) - 1);
    }

    private void Reduce(ReadOnlySpan<ulong> montgomery, Span<ulong> plain)
    {
        Span<ulong> unit = stackalloc ulong[_limbs];
        unit.Clear();
        unit[0] = 1;
        MontgomeryProduct(montgomery, unit, plain);
    }

    /// <summary>destination = a·b·R⁻¹ mod m by CIOS; destination may alias a or b.</summary>
    private void MontgomeryProduct(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        int n = _limbs;
        Span<ulong> t = stackalloc ulong[n + 1];
        t.Clear();
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(_modulus);
        ref ulong rt = ref MemoryMarshal.GetReference(t);
        ulong k = _negativeInverse;

        for (int i = 0; i < n; i++)
        {
            ulong bi = Unsafe.Add(ref rb, i);

            // Column 0: fold in a[0]·b[i], choose the multiple of m that clears the low limb.
            ulong hi = Math.BigMul(ra, bi, out ulong lo);
            lo += rt;
            hi += lo < rt ? 1UL : 0UL;
            ulong carry = hi;
            ulong q = lo * k;
            ulong hi2 = Math.BigMul(q, rm, out ulong lo2);
            lo2 += lo;
            hi2 += lo2 < lo ? 1UL : 0UL;
            ulong carry2 = hi2;

            for (int j = 1; j < n; j++)
            {
                ulong tj = Unsafe.Add(ref rt, j);
                hi = Math.BigMul(Unsafe.Add(ref ra, j), bi, out lo);
                lo += tj;
                hi += lo < tj ? 1UL : 0UL;
                lo += carry;
                hi += lo < carry ? 1UL : 0UL;
                carry = hi;

                hi2 = Math.BigMul(q, Unsafe.Add(ref rm, j), out lo2);
                lo2 += lo;
                hi2 += lo2 < lo ? 1UL : 0UL;
                lo2 += carry2;
                hi2 += lo2 < carry2 ? 1UL : 0UL;
                carry2 = hi2;
                Unsafe.Add(ref rt, j - 1) = lo2;
            }

            ulong top = Unsafe.Add(ref rt, n);
            ulong sum = top + carry;
            ulong overflow = sum < carry ? 1UL : 0UL;
            ulong sum2 = sum + carry2;
            overflow += sum2 < carry2 ? 1UL : 0UL;
            Unsafe.Add(ref rt, n - 1) = sum2;
            Unsafe.Add(ref rt, n) = overflow;
        }

        SubtractModulusIfNeeded(t[..n], t[n], destination);
    }

    /// <summary>destination = a²·R⁻¹ mod m: half the cross products, then a separate reduction (SOS); may alias.</summary>
    private void MontgomerySquare(ReadOnlySpan<ulong> a, Span<ulong> destination)
    {
        int n = _limbs;
        Span<ulong> t = stackalloc ulong[2 * n];
        t.Clear();
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rt = ref MemoryMarshal.GetReference(t);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(_modulus);

        // Cross products a[i]·a[j], i < j.
        for (int i = 0; i < n - 1; i++)
        {
            ulong ai = Unsafe.Add(ref ra, i);
            ulong carry = 0;
            for (int j = i + 1; j < n; j++)
            {
                ref ulong slot = ref Unsafe.Add(ref rt, i + j);
                ulong hi = Math.BigMul(ai, Unsafe.Add(ref ra, j), out ulong lo);
                lo += slot;
                hi += lo < slot ? 1UL : 0UL;
                lo += carry;
                hi += lo < carry ? 1UL : 0UL;
                slot = lo;
                carry = hi;
            }

            Unsafe.Add(ref rt, i + n) = carry;
        }

        // Double the cross products and add the squares a[i]².
        ulong shifted = 0;
        ulong addCarry = 0;
        for (int i = 0; i < n; i++)
        {
            ulong hi = Math.BigMul(Unsafe.Add(ref ra, i), Unsafe.Add(ref ra, i), out ulong lo);
            ref ulong low = ref Unsafe.Add(ref rt, 2 * i);
            ref ulong high = ref Unsafe.Add(ref rt, (2 * i) + 1);
            ulong doubledLow = (low << 1) | shifted;
            ulong doubledHigh = (high << 1) | (low >> 63);
            shifted = high >> 63;

            ulong s = doubledLow + lo;
            ulong c = s < lo ? 1UL : 0UL;
            ulong s2 = s + addCarry;
            c += s2 < addCarry ? 1UL : 0UL;
            low = s2;

            s = doubledHigh + hi;
            ulong c2 = s < hi ? 1UL : 0UL;
            s2 = s + c;
            c2 += s2 < c ? 1UL : 0UL;
            high = s2;
            addCarry = c2;
        }

        // Montgomery reduction of the 2n-limb square.
        ulong k = _negativeInverse;
        ulong overflow = 0;
        for (int i = 0; i < n; i++)
        {
            ulong q = Unsafe.Add(ref rt, i) * k;
            ulong carry = 0;
            for (int j = 0; j < n; j++)
            {
                ref ulong slot = ref Unsafe.Add(ref rt, i + j);
                ulong hi = Math.BigMul(q, Unsafe.Add(ref rm, j), out ulong lo);
                lo += slot;
                hi += lo < slot ? 1UL : 0UL;
                lo += carry;
                hi += lo < carry ? 1UL : 0UL;
                slot = lo;
                carry = hi;
            }

            ref ulong upper = ref Unsafe.Add(ref rt, i + n);
            ulong sum = upper + carry;
            ulong c = sum < carry ? 1UL : 0UL;
            ulong sum2 = sum + overflow;
            c += sum2 < overflow ? 1UL : 0UL;
            upper = sum2;
            overflow = c;
        }

        SubtractModulusIfNeeded(t[n..], overflow, destination);
    }

    /// <summary>destination = value − m when (top:value) ≥ m, else value; without branches on the data.</summary>
    private void SubtractModulusIfNeeded(ReadOnlySpan<ulong> value, ulong top, Span<ulong> destination)
    {
        int n = _limbs;
        ref ulong rv = ref MemoryMarshal.GetReference(value);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(_modulus);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        ulong borrow = 0;
        for (int j = 0; j < n; j++)
        {
            ulong v = Unsafe.Add(ref rv, j);
            ulong m = Unsafe.Add(ref rm, j);
            ulong d = v - m;
            ulong b = v < m ? 1UL : 0UL;
            ulong d2 = d - borrow;
            b |= d < borrow ? 1UL : 0UL;
            Unsafe.Add(ref rd, j) = d2;
            borrow = b;
        }

        // Keep the unreduced value exactly when the subtraction borrowed past the top limb.
        ulong keep = 0UL - (borrow & ~top & 1UL);
        for (int j = 0; j < n; j++)
        {
            ref ulong slot = ref Unsafe.Add(ref rd, j);
            slot = (Unsafe.Add(ref rv, j) & keep) | (slot & ~keep);
        }
    }

    private ManagedResidue Own(Residue residue)
    {
        ArgumentNullException.ThrowIfNull(residue);
        if (residue is not ManagedResidue managed)
        {
            throw new ArgumentException($"Expected a residue of the managed backend, got {residue.GetType().Name}.", nameof(residue));
        }

        if (managed.Limbs.Length != _limbs)
        {
            throw new ArgumentException($"The residue is {managed.Limbs.Length} limbs wide; this context needs {_limbs}.", nameof(residue));
        }

        return managed;
    }

    private static int Compare(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        for (int i = x.Length - 1; i >= 0; i--)
        {
            if (x[i] != y[i])
            {
                return x[i] < y[i] ? -1 : 1;
            }
        }

        return 0;
    }

    private static ulong[] ToLimbs(BigInteger value, int limbs)
    {
        var result = new ulong[limbs];
        WriteLimbs(value, result);
        return result;
    }

    private static void WriteLimbs(BigInteger value, Span<ulong> limbs)
    {
        limbs.Clear();
        var bytes = MemoryMarshal.AsBytes(limbs);
        if (!value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value is wider than the modulus.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < limbs.Length; i++)
            {
                limbs[i] = BinaryPrimitives.ReverseEndianness(limbs[i]);
            }
        }
    }

    /// <summary>The limbs in little-endian byte order (a no-op on little-endian machines).</summary>
    private static Span<ulong> ToLittleEndian(Span<ulong> limbs)
    {
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < limbs.Length; i++)
            {
                limbs[i] = BinaryPrimitives.ReverseEndianness(limbs[i]);
            }
        }

        return limbs;
    }

    /// <summary>−m⁻¹ mod 2⁶⁴ by Newton iteration; each step doubles the correct low bits (3 → 96).</summary>
    private static ulong NegativeInverse(ulong m0)
    {
        ulong inverse = m0;
        for (int i = 0; i < 5; i++)
        {
            inverse *= 2 - (m0 * inverse);
        }

        return 0UL - inverse;
    }

    private static BigInteger InverseOf(BigInteger value, BigInteger modulus)
    {
        BigInteger r0 = modulus, r1 = value;
        BigInteger s0 = BigInteger.Zero, s1 = BigInteger.One;
        while (!r1.IsZero)
        {
            var quotient = BigInteger.DivRem(r0, r1, out var remainder);
            (r0, r1) = (r1, remainder);
            (s0, s1) = (s1, s0 - (quotient * s1));
        }

        if (!r0.IsOne)
        {
            throw new ArithmeticException("The value has no inverse modulo the modulus.");
        }

        return s0.Sign < 0 ? s0 + modulus : s0;
    }

    /// <summary>A residue of the managed backend: <c>Limbs</c> little-endian, in Montgomery form, fully reduced.</summary>
    internal sealed class ManagedResidue : Residue
    {
        public ManagedResidue(int limbs) => Limbs = new ulong[limbs];

        public ulong[] Limbs { get; }

        protected override void Dispose(bool disposing)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(Limbs.AsSpan()));
            base.Dispose(disposing);
        }
    }
}
