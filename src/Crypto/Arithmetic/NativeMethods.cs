using System.Reflection;
using System.Runtime.InteropServices;

namespace Duet.Crypto.Arithmetic;

/// <summary>The few BIGNUM functions of OpenSSL's libcrypto that the native backend needs.</summary>
internal static partial class NativeMethods
{
    private const string Library = "duet-libcrypto";

    private static readonly string[] Candidates =
        ["libcrypto.so.3", "libcrypto.so", "libcrypto.so.1.1", "libcrypto.3.dylib", "libcrypto.dylib", "libcrypto-3-x64.dll"];

    private static readonly Lazy<bool> Loaded = new(TryLoad);

    private static IntPtr handle;

    /// <summary>True when libcrypto could be loaded and answers a call.</summary>
    public static bool IsAvailable => Loaded.Value;

    private static bool TryLoad()
    {
        foreach (var name in Candidates)
        {
            if (NativeLibrary.TryLoad(name, out handle))
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
                try
                {
                    var probe = BN_new();
                    BN_free(probe);
                    return probe != IntPtr.Zero;
                }
                catch (EntryPointNotFoundException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Library ? handle : IntPtr.Zero;

    [LibraryImport(Library)]
    internal static partial IntPtr BN_new();

    [LibraryImport(Library)]
    internal static partial void BN_free(IntPtr a);

    [LibraryImport(Library)]
    internal static partial void BN_clear_free(IntPtr a);

    // A random probable prime of exactly `bits` bits with the top two set (OpenSSL's RSA primes): sieved, then
    // Miller–Rabin with the rounds OpenSSL's BN_check_prime takes for the size (error below 2^-128).
    [LibraryImport(Library)]
    internal static partial int BN_generate_prime_ex(SafeBignumHandle ret, int bits, int safe, IntPtr add, IntPtr rem, IntPtr cb);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr BN_bin2bn(byte* s, int len, SafeBignumHandle ret);

    [LibraryImport(Library)]
    internal static unsafe partial int BN_bn2binpad(SafeBignumHandle a, byte* to, int tolen);

    [LibraryImport(Library)]
    internal static partial IntPtr BN_copy(SafeBignumHandle to, SafeBignumHandle from);

    [LibraryImport(Library)]
    internal static partial int BN_cmp(SafeBignumHandle a, SafeBignumHandle b);

    /// <summary>BN_FLG_CONSTTIME: OpenSSL takes its constant-time paths for a BIGNUM that carries it.</summary>
    internal const int BN_FLG_CONSTTIME = 0x04;

    [LibraryImport(Library)]
    internal static partial void BN_set_flags(SafeBignumHandle b, int n);

    [LibraryImport(Library)]
    internal static partial int BN_get_flags(SafeBignumHandle b, int n);

    [LibraryImport(Library)]
    internal static partial IntPtr BN_CTX_new();

    [LibraryImport(Library)]
    internal static partial void BN_CTX_free(IntPtr c);

    [LibraryImport(Library)]
    internal static partial IntPtr BN_MONT_CTX_new();

    [LibraryImport(Library)]
    internal static partial void BN_MONT_CTX_free(IntPtr mont);

    [LibraryImport(Library)]
    internal static partial int BN_MONT_CTX_set(SafeMontgomeryHandle mont, SafeBignumHandle mod, SafeBignumContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial int BN_to_montgomery(SafeBignumHandle r, SafeBignumHandle a, SafeMontgomeryHandle mont, SafeBignumContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial int BN_from_montgomery(SafeBignumHandle r, SafeBignumHandle a, SafeMontgomeryHandle mont, SafeBignumContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial int BN_mod_mul_montgomery(SafeBignumHandle r, SafeBignumHandle a, SafeBignumHandle b, SafeMontgomeryHandle mont, SafeBignumContextHandle ctx);

    /// <summary>The table walk's product: a pinned factor by its address, which its owner keeps alive.</summary>
    [LibraryImport(Library, EntryPoint = "BN_mod_mul_montgomery")]
    internal static partial int BN_mod_mul_montgomery_factor(SafeBignumHandle r, SafeBignumHandle a, IntPtr b, SafeMontgomeryHandle mont, SafeBignumContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial IntPtr BN_mod_inverse(SafeBignumHandle r, SafeBignumHandle a, SafeBignumHandle n, SafeBignumContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial int BN_mod_exp_mont_consttime(
        SafeBignumHandle rr, SafeBignumHandle a, SafeBignumHandle p, SafeBignumHandle m, SafeBignumContextHandle ctx, SafeMontgomeryHandle mont);
}

internal sealed class SafeBignumHandle : SafeHandle
{
    public SafeBignumHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(NativeMethods.BN_new());
        if (IsInvalid)
        {
            throw new OutOfMemoryException("OpenSSL could not allocate a BIGNUM.");
        }
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    // Cleared on release: a BIGNUM may have held a secret exponent or a key share.
    protected override bool ReleaseHandle()
    {
        NativeMethods.BN_clear_free(handle);
        return true;
    }
}

internal sealed class SafeBignumContextHandle : SafeHandle
{
    public SafeBignumContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(NativeMethods.BN_CTX_new());
        if (IsInvalid)
        {
            throw new OutOfMemoryException("OpenSSL could not allocate a BN_CTX.");
        }
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.BN_CTX_free(handle);
        return true;
    }
}

internal sealed class SafeMontgomeryHandle : SafeHandle
{
    public SafeMontgomeryHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(NativeMethods.BN_MONT_CTX_new());
        if (IsInvalid)
        {
            throw new OutOfMemoryException("OpenSSL could not allocate a BN_MONT_CTX.");
        }
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.BN_MONT_CTX_free(handle);
        return true;
    }
}
