using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Duet.Crypto.Arithmetic;

/// <summary>
/// Montgomery arithmetic in pure C# on 64-bit limbs: CIOS products, a squaring that forms each cross product once,
/// and a branch-free final subtraction, so every product takes the same time. Portable fallback for the native
/// backend and its test oracle; scratch lives on the stack, so a context is safe to share across threads.
/// </summary>
[SkipLocalsInit]
public sealed partial class ManagedMontgomeryContext : MontgomeryContext
{
    /// <summary>Largest supported width in limbs (8192-bit moduli), so scratch always fits on the stack.</summary>
    public const int MaxLimbs = 128;

    private const int SecretWindowBits = 5;

    private readonly int limbCount;
    private readonly int bitLength;
    private readonly ulong[] modulusLimbs;
    private readonly ulong[] rSquared;
    private readonly ulong[] montgomeryOne;
    private readonly ulong negativeInverse;

    public ManagedMontgomeryContext(BigInteger modulus)
        : base(modulus)
    {
        bitLength = (int)modulus.GetBitLength();
        limbCount = (bitLength + 63) / 64;
        if (limbCount > MaxLimbs)
        {
            throw new ArgumentOutOfRangeException(nameof(modulus), $"The managed backend supports moduli up to {MaxLimbs * 64} bits.");
        }

        modulusLimbs = ToLimbs(modulus, limbCount);

        // R = 2^(64·limbs) and R² mod m by doubling with branch-free reduction: the modulus may be secret (p², q²).
        montgomeryOne = new ulong[limbCount];
        montgomeryOne[0] = 1;
        Double(montgomeryOne, 64 * limbCount);
        rSquared = (ulong[])montgomeryOne.Clone();
        Double(rSquared, 64 * limbCount);
        negativeInverse = NegativeInverse(modulusLimbs[0]);
    }

    public override string Backend => "managed";

    public override Residue NewResidue() => new ManagedResidue(limbCount);

    public override void Load(BigInteger value, Residue destination)
    {
        var target = Own(destination);
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value must lie in [0, modulus).");
        }

        Span<ulong> plain = stackalloc ulong[limbCount];
        WriteLimbs(value, plain);
        MontgomeryProduct(plain, rSquared, target.Limbs);
    }

    public override void Load(ReadOnlySpan<byte> bigEndian, Residue destination)
    {
        var target = Own(destination);
        Span<ulong> plain = stackalloc ulong[limbCount];
        plain.Clear();
        for (int i = 0; i < bigEndian.Length; i++)
        {
            int position = bigEndian.Length - 1 - i;
            int limb = position / 8;
            if (limb >= limbCount)
            {
                if (bigEndian[i] != 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(bigEndian), "The value must lie in [0, modulus).");
                }

                continue;
            }

            plain[limb] |= (ulong)bigEndian[i] << (8 * (position % 8));
        }

        if (Compare(plain, modulusLimbs) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bigEndian), "The value must lie in [0, modulus).");
        }

        MontgomeryProduct(plain, rSquared, target.Limbs);
    }

    public override BigInteger Store(Residue value)
    {
        var source = Own(value);
        Span<ulong> plain = stackalloc ulong[limbCount];
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

        Span<ulong> plain = stackalloc ulong[limbCount];
        Reduce(source.Limbs, plain);
        for (int i = 0; i < bigEndian.Length; i++)
        {
            int position = bigEndian.Length - 1 - i;
            bigEndian[i] = (byte)(plain[position / 8] >> (8 * (position % 8)));
        }
    }

    public override void SetOne(Residue destination) => montgomeryOne.CopyTo(Own(destination).Limbs, 0);

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

        // The number of windows depends only on the exponent's width in 64-bit limbs (public: p − 1 has |n|/2 bits),
        // never on its value.
        int exponentBits = (int)((exponent.GetBitLength() + 63) / 64 * 64);
        int windows = (Math.Max(exponentBits, 64) + SecretWindowBits - 1) / SecretWindowBits;
        int tableSize = 1 << SecretWindowBits;
        byte[] exponentBytes = new byte[((windows * SecretWindowBits) + 7) / 8 + 1];
        ulong[] table = ArrayPool<ulong>.Shared.Rent((tableSize + 2) * limbCount);
        try
        {
            exponent.TryWriteBytes(exponentBytes, out _, isUnsigned: true, isBigEndian: false);
            var entries = table.AsSpan(0, tableSize * limbCount);
            var accumulator = table.AsSpan(tableSize * limbCount, limbCount);
            var selected = table.AsSpan((tableSize + 1) * limbCount, limbCount);

            montgomeryOne.CopyTo(entries[..limbCount]);
            WriteLimbs(reduced, selected);
            MontgomeryProduct(selected, rSquared, entries.Slice(limbCount, limbCount));
            for (int i = 2; i < tableSize; i++)
            {
                MontgomeryProduct(entries.Slice((i - 1) * limbCount, limbCount), entries.Slice(limbCount, limbCount), entries.Slice(i * limbCount, limbCount));
            }

            montgomeryOne.CopyTo(accumulator);
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
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(table.AsSpan(0, (tableSize + 2) * limbCount)));
            CryptographicOperations.ZeroMemory(exponentBytes);
            ArrayPool<ulong>.Shared.Return(table);
        }
    }

    /// <summary>Copies table entry <paramref name="index"/> by reading every entry, so memory access never depends on it.</summary>
    private void SelectEntry(ReadOnlySpan<ulong> entries, int index, Span<ulong> destination)
    {
        destination.Clear();
        int count = entries.Length / limbCount;
        for (int i = 0; i < count; i++)
        {
            ulong difference = (ulong)(uint)(i ^ index);
            ulong mask = ((difference | (0UL - difference)) >> 63) - 1;
            var entry = entries.Slice(i * limbCount, limbCount);
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
        Span<ulong> unit = stackalloc ulong[limbCount];
        unit.Clear();
        unit[0] = 1;
        MontgomeryProduct(montgomery, unit, plain);
    }

    private ManagedResidue Own(Residue residue)
    {
        ArgumentNullException.ThrowIfNull(residue);
        if (residue is not ManagedResidue managed)
        {
            throw new ArgumentException($"Expected a residue of the managed backend, got {residue.GetType().Name}.", nameof(residue));
        }

        ObjectDisposedException.ThrowIf(managed.IsDisposed, residue);

        if (managed.Limbs.Length != limbCount)
        {
            throw new ArgumentException($"The residue is {managed.Limbs.Length} limbs wide; this context needs {limbCount}.", nameof(residue));
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
