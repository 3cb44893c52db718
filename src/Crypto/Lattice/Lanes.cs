using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Duet.Crypto.Lattice;

/// <summary>
/// Shoup products on eight 64-bit lanes with AVX-512 (F and DQ), chosen at run time; callers keep a scalar path for
/// other CPUs and for the lanes left over. AVX-512 has no 64×64→128 multiply, so the high half is built from four
/// 32×32→64 products (VPMULUDQ).
/// </summary>
internal static class Lanes
{
    /// <summary>Lanes per vector.</summary>
    public const int Width = 8;

    /// <summary>Whether this CPU runs the vector paths.</summary>
    public static bool Supported { get; } = Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>w·x mod q in [0, 2q) per lane, given w' = Shoup(w): as <see cref="Modulus.MulShoupLazy"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MulShoupLazy(Vector512<ulong> w, Vector512<ulong> wShoup, Vector512<ulong> x, Vector512<ulong> q) =>
        (w * x) - (MultiplyHigh(wShoup, x) * q);

    /// <summary>a − b if that is smaller (unsigned), else a: brings [0, 2b) into [0, b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> ReduceOnce(Vector512<ulong> a, Vector512<ulong> b) => Vector512.Min(a, a - b);

    /// <summary>The high 64 bits of a·b per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyHigh(Vector512<ulong> a, Vector512<ulong> b)
    {
        var low32 = Vector512.Create(0xFFFF_FFFFUL);
        var aHigh = Vector512.ShiftRightLogical(a, 32);
        var bHigh = Vector512.ShiftRightLogical(b, 32);
        var lowLow = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());
        var highLow = Avx512F.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        var lowHigh = Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        var highHigh = Avx512F.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        var cross = Vector512.ShiftRightLogical(lowLow, 32) + (highLow & low32) + (lowHigh & low32);
        return highHigh + Vector512.ShiftRightLogical(highLow, 32) + Vector512.ShiftRightLogical(lowHigh, 32) + Vector512.ShiftRightLogical(cross, 32);
    }
}
