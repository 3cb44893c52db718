using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Duet.Crypto.Arithmetic;

/// <summary>The limb kernels of <see cref="ManagedMontgomeryContext"/>: the CIOS Montgomery product and square and the
/// branch-free doubling and conditional subtraction, on little-endian 64-bit limbs.</summary>
public sealed partial class ManagedMontgomeryContext
{
    /// <summary>destination = a·b·R⁻¹ mod m by CIOS; destination may alias a or b.</summary>
    private void MontgomeryProduct(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        int n = limbCount;
        Span<ulong> t = stackalloc ulong[n + 1];
        t.Clear();
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(modulusLimbs);
        ref ulong rt = ref MemoryMarshal.GetReference(t);
        ref ulong end = ref Unsafe.Add(ref rt, n);
        ulong k = negativeInverse;

        for (int i = 0; i < n; i++)
        {
            ulong bi = Unsafe.Add(ref rb, i);

            // Column 0: add a[0]·b[i], then the multiple q of m that clears the low limb.
            ulong x = ra;
            ulong t0 = rt;
            ulong lo = (x * bi) + t0;
            ulong carry = MultiplyHigh(x, bi) + (lo < t0 ? 1UL : 0UL);
            ulong q = lo * k;
            ulong y = rm;
            ulong lo2 = (q * y) + lo;
            ulong carry2 = MultiplyHigh(q, y) + (lo2 < lo ? 1UL : 0UL);

            // Columns 1..n−1, shifted down one limb as they are written.
            ref ulong pa = ref Unsafe.Add(ref ra, 1);
            ref ulong pm = ref Unsafe.Add(ref rm, 1);
            ref ulong pt = ref Unsafe.Add(ref rt, 1);
            while (Unsafe.IsAddressLessThan(ref pt, ref end))
            {
                ulong tj = pt;
                x = pa;
                lo = (x * bi) + tj;
                ulong hi = MultiplyHigh(x, bi) + (lo < tj ? 1UL : 0UL);
                lo += carry;
                carry = hi + (lo < carry ? 1UL : 0UL);

                y = pm;
                lo2 = (q * y) + lo;
                hi = MultiplyHigh(q, y) + (lo2 < lo ? 1UL : 0UL);
                lo2 += carry2;
                carry2 = hi + (lo2 < carry2 ? 1UL : 0UL);
                Unsafe.Subtract(ref pt, 1) = lo2;

                pa = ref Unsafe.Add(ref pa, 1);
                pm = ref Unsafe.Add(ref pm, 1);
                pt = ref Unsafe.Add(ref pt, 1);
            }

            ulong sum = end + carry;
            ulong overflow = sum < carry ? 1UL : 0UL;
            ulong sum2 = sum + carry2;
            overflow += sum2 < carry2 ? 1UL : 0UL;
            Unsafe.Subtract(ref end, 1) = sum2;
            end = overflow;
        }

        SubtractModulusIfNeeded(t[..n], t[n], destination);
    }

    /// <summary>
    /// destination = a²·R⁻¹ mod m; may alias. CIOS over a² = Σᵢ aᵢ·2^(64i)·(aᵢ·2^(64i) + 2·Σ_(j&gt;i) aⱼ·2^(64j)):
    /// row i multiplies aᵢ only by limbs i..n of the bracket, so each cross product is formed once.
    /// </summary>
    private void MontgomerySquare(ReadOnlySpan<ulong> a, Span<ulong> destination)
    {
        int n = limbCount;
        Span<ulong> scratch = stackalloc ulong[(2 * n) + 2];
        // Between rows t < 2a + m < 3m (each row adds at most aᵢ·2a), so its extra limb holds at most 2.
        Span<ulong> t = scratch[..(n + 1)];
        t.Clear();
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(modulusLimbs);
        ref ulong rt = ref MemoryMarshal.GetReference(t);
        ref ulong rx = ref scratch[n + 1];
        ulong k = negativeInverse;

        // x = 2a; row i then overwrites limb i with aᵢ and drops aᵢ's own bit from limb i + 1.
        ulong previous = 0;
        for (int j = 0; j < n; j++)
        {
            ulong limb = Unsafe.Add(ref ra, j);
            Unsafe.Add(ref rx, j) = (limb << 1) | (previous >> 63);
            previous = limb;
        }

        Unsafe.Add(ref rx, n) = previous >> 63;

        for (int i = 0; i < n; i++)
        {
            ulong ai = Unsafe.Add(ref ra, i);
            Unsafe.Add(ref rx, i) = ai;
            Unsafe.Add(ref rx, i + 1) &= ~1UL;

            // Column 0 holds a row product only in the first row.
            ulong t0 = rt;
            ulong carry = 0;
            if (i == 0)
            {
                t0 = ai * ai;
                carry = MultiplyHigh(ai, ai);
            }

            ulong q = t0 * k;
            ulong y = rm;
            ulong lo2 = (q * y) + t0;
            ulong carry2 = MultiplyHigh(q, y) + (lo2 < t0 ? 1UL : 0UL);

            // Columns 1..i−1: reduction only.
            int column = 1;
            for (; column < i; column++)
            {
                ulong tj = Unsafe.Add(ref rt, column);
                y = Unsafe.Add(ref rm, column);
                lo2 = (q * y) + tj;
                ulong hi = MultiplyHigh(q, y) + (lo2 < tj ? 1UL : 0UL);
                lo2 += carry2;
                carry2 = hi + (lo2 < carry2 ? 1UL : 0UL);
                Unsafe.Add(ref rt, column - 1) = lo2;
            }

            // Columns i..n−1: row product and reduction.
            for (; column < n; column++)
            {
                ulong tj = Unsafe.Add(ref rt, column);
                ulong x = Unsafe.Add(ref rx, column);
                ulong lo = (ai * x) + tj;
                ulong hi = MultiplyHigh(ai, x) + (lo < tj ? 1UL : 0UL);
                lo += carry;
                carry = hi + (lo < carry ? 1UL : 0UL);

                y = Unsafe.Add(ref rm, column);
                lo2 = (q * y) + lo;
                hi = MultiplyHigh(q, y) + (lo2 < lo ? 1UL : 0UL);
                lo2 += carry2;
                carry2 = hi + (lo2 < carry2 ? 1UL : 0UL);
                Unsafe.Add(ref rt, column - 1) = lo2;
            }

            // Column n: the row's top limb is a single bit of 2a.
            ulong top = Unsafe.Add(ref rt, n);
            ulong xn = Unsafe.Add(ref rx, n);
            ulong sum = (ai * xn) + top;
            ulong overflow = MultiplyHigh(ai, xn) + (sum < top ? 1UL : 0UL);
            sum += carry;
            overflow += sum < carry ? 1UL : 0UL;
            sum += carry2;
            overflow += sum < carry2 ? 1UL : 0UL;
            Unsafe.Add(ref rt, n - 1) = sum;
            Unsafe.Add(ref rt, n) = overflow;
        }

        SubtractModulusIfNeeded(t[..n], t[n], destination);
    }

    /// <summary>The high half of x·y; the low half is x·y in ordinary wrapping arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyHigh(ulong x, ulong y)
    {
        if (Bmi2.X64.IsSupported)
        {
            return Bmi2.X64.MultiplyNoFlags(x, y);
        }

        if (ArmBase.Arm64.IsSupported)
        {
            return ArmBase.Arm64.MultiplyHigh(x, y);
        }

        return Math.BigMul(x, y, out _);
    }

    /// <summary>value = value·2^times mod m for value &lt; m, one branch-free doubling and reduction at a time.</summary>
    private void Double(Span<ulong> value, int times)
    {
        Span<ulong> doubled = stackalloc ulong[limbCount];
        for (int i = 0; i < times; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < limbCount; j++)
            {
                ulong limb = value[j];
                doubled[j] = (limb << 1) | carry;
                carry = limb >> 63;
            }

            // 2·value < 2m: one conditional subtraction reduces it.
            SubtractModulusIfNeeded(doubled, carry, value);
        }
    }

    /// <summary>destination = value − m when (top:value) ≥ m, else value; without branches on the data.</summary>
    private void SubtractModulusIfNeeded(ReadOnlySpan<ulong> value, ulong top, Span<ulong> destination)
    {
        int n = limbCount;
        ref ulong rv = ref MemoryMarshal.GetReference(value);
        ref ulong rm = ref MemoryMarshal.GetArrayDataReference(modulusLimbs);
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
}
