using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace Duet.Fuzz;

/// <summary>Instrumented code (after <c>sharpfuzz</c>) records every branch in <see cref="Trace.SharedMem"/>, which
/// <c>Fuzzer.Run</c> points at afl's shared memory. Until then, and in every command but <c>afl</c>, it would write
/// through a null pointer: give it a scratch map of afl's size first.</summary>
internal static unsafe class TraceMap
{
    private const int MapSize = 1 << 16;

    public static void EnsureScratch()
    {
        if (Trace.SharedMem == null)
        {
            Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
        }
    }
}
