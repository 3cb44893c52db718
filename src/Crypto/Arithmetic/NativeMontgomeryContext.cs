using System.Numerics;
using System.Security.Cryptography;

namespace Duet.Crypto.Arithmetic;

/// <summary>Montgomery arithmetic on OpenSSL's libcrypto (bn_mul_mont assembly where the platform has it).</summary>
public sealed class NativeMontgomeryContext : MontgomeryContext
{
    [ThreadStatic]
    private static SafeBignumContextHandle? scratch;

    private readonly SafeBignumHandle modulus;
    private readonly SafeMontgomeryHandle montgomery;
    private readonly NativeResidue one;

    /// <summary>
    /// A context modulo <paramref name="modulus"/>; a secret modulus (p², q²) carries BN_FLG_CONSTTIME before
    /// BN_MONT_CTX_set, so that OpenSSL's set-up (its modular inverse) and exponentiations take constant-time paths.
    /// </summary>
    public NativeMontgomeryContext(BigInteger modulus, bool secretModulus = false)
        : base(modulus)
    {
        if (!NativeMethods.IsAvailable)
        {
            throw new PlatformNotSupportedException("OpenSSL's libcrypto could not be loaded; set DUET_ARITHMETIC=managed.");
        }

        this.modulus = FromBigInteger(modulus);
        if (secretModulus)
        {
            NativeMethods.BN_set_flags(this.modulus, NativeMethods.BN_FLG_CONSTTIME);
        }

        montgomery = new SafeMontgomeryHandle();
        Check(NativeMethods.BN_MONT_CTX_set(montgomery, this.modulus, Scratch));
        one = (NativeResidue)NewResidue();
        Load(BigInteger.One, one);
    }

    public override string Backend => "native";

    /// <summary>True when OpenSSL treats the modulus as secret (BN_FLG_CONSTTIME set on it).</summary>
    internal bool ModulusIsConstantTime => NativeMethods.BN_get_flags(modulus, NativeMethods.BN_FLG_CONSTTIME) != 0;

    private static SafeBignumContextHandle Scratch => scratch ??= new SafeBignumContextHandle();

    public override Residue NewResidue() => new NativeResidue(ByteLength);

    public override void Load(BigInteger value, Residue destination)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A residue must lie in [0, modulus).");
        }

        Span<byte> bytes = stackalloc byte[ByteLength];
        value.TryWriteBytes(bytes[(ByteLength - value.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        LoadChecked(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }

    public override void Load(ReadOnlySpan<byte> bigEndian, Residue destination)
    {
        var value = new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true);
        if (value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(bigEndian), "A residue must lie in [0, modulus).");
        }

        LoadChecked(bigEndian, destination);
    }

    public override BigInteger Store(Residue value)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        Store(value, bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    public override unsafe void Store(Residue value, Span<byte> bigEndian)
    {
        if (bigEndian.Length != ByteLength)
        {
            throw new ArgumentException($"Expected exactly {ByteLength} bytes.", nameof(bigEndian));
        }

        using var plain = new SafeBignumHandle();
        Check(NativeMethods.BN_from_montgomery(plain, Own(value), montgomery, Scratch));
        fixed (byte* to = bigEndian)
        {
            Check(NativeMethods.BN_bn2binpad(plain, to, ByteLength) == ByteLength ? 1 : 0);
        }
    }

    public override void SetOne(Residue destination) => Copy(one, destination);

    public override void Copy(Residue source, Residue destination)
    {
        if (NativeMethods.BN_copy(Own(destination), Own(source)) == IntPtr.Zero)
        {
            throw new CryptographicException("BN_copy failed.");
        }
    }

    // Through the handles, whose reference counts hold each BIGNUM and the BN_MONT_CTX for the call: one disposed by
    // another thread meanwhile is freed after the product, never under it (raw pointers here wrote into freed memory).
    public override void Multiply(Residue a, Residue b, Residue destination) =>
        Check(NativeMethods.BN_mod_mul_montgomery(Own(destination), Own(a), Own(b), montgomery, Scratch));

    public override void Inverse(Residue a, Residue destination)
    {
        var target = Own(destination);
        var context = Scratch;
        Check(NativeMethods.BN_from_montgomery(target, Own(a), montgomery, context));
        if (NativeMethods.BN_mod_inverse(target, target, modulus, context) == IntPtr.Zero)
        {
            throw new ArithmeticException("The value has no inverse modulo the modulus.");
        }

        Check(NativeMethods.BN_to_montgomery(target, target, montgomery, context));
    }

    // A BIGNUM starts with the pointer to its limbs (struct bignum_st { BN_ULONG *d; ... }); a residue of this context
    // is never zero-width (Load and the arithmetic write every limb), and a prefetch of a wrong guess never faults.
    public override unsafe PinnedResidue Pin(Residue value)
    {
        var header = Own(value).DangerousGetHandle();
        return new PinnedResidue(this, value, header, *(nint*)header);
    }

    // The accumulator and the BN_MONT_CTX through their handles, as in Multiply; the factor by its pinned address,
    // which its owner keeps alive (a table is disposed only once no walk uses it: see Pin and TileContext's leases).
    public override void MultiplyBy(Residue accumulator, in PinnedResidue factor)
    {
        if (!ReferenceEquals(factor.Owner, this))
        {
            throw new ArgumentException("The factor was pinned by another context.", nameof(factor));
        }

        var target = Own(accumulator);
        var status = NativeMethods.BN_mod_mul_montgomery_factor(target, target, factor.Header, montgomery, Scratch);
        GC.KeepAlive(factor.Residue);
        Check(status);
    }

    public override bool AreEqual(Residue a, Residue b) => NativeMethods.BN_cmp(Own(a), Own(b)) == 0;

    public override BigInteger PowSecret(BigInteger @base, BigInteger exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent.Sign, nameof(exponent));
        // OpenSSL reduces a non-negative base itself (BN_nnmod inside BN_mod_exp_mont_consttime).
        using var b = FromBigInteger(@base.Sign >= 0 ? @base : (BigInteger.Remainder(@base, Modulus) + Modulus) % Modulus);
        using var e = FromBigInteger(exponent);
        NativeMethods.BN_set_flags(e, NativeMethods.BN_FLG_CONSTTIME);
        using var result = new SafeBignumHandle();
        Check(NativeMethods.BN_mod_exp_mont_consttime(result, b, e, modulus, Scratch, montgomery));
        return ToBigInteger(result);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            one.Dispose();
            montgomery.Dispose();
            modulus.Dispose();
        }

        base.Dispose(disposing);
    }

    private unsafe void LoadChecked(ReadOnlySpan<byte> bigEndian, Residue destination)
    {
        var target = Own(destination);
        fixed (byte* s = bigEndian)
        {
            if (NativeMethods.BN_bin2bn(s, bigEndian.Length, target) == IntPtr.Zero)
            {
                throw new CryptographicException("BN_bin2bn failed.");
            }
        }

        Check(NativeMethods.BN_to_montgomery(target, target, montgomery, Scratch));
    }

    private SafeBignumHandle Own(Residue residue) =>
        residue is NativeResidue native && native.Width == ByteLength
            ? (native.IsDisposed ? throw new ObjectDisposedException(nameof(Residue)) : native.Handle)
            : throw new ArgumentException("The residue belongs to another backend or modulus width.", nameof(residue));

    /// <summary>A new BIGNUM holding a non-negative value; the value's bytes are wiped after.</summary>
    internal static unsafe SafeBignumHandle FromBigInteger(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var handle = new SafeBignumHandle();
        fixed (byte* s = bytes)
        {
            if (NativeMethods.BN_bin2bn(s, bytes.Length, handle) == IntPtr.Zero)
            {
                handle.Dispose();
                throw new CryptographicException("BN_bin2bn failed.");
            }
        }

        CryptographicOperations.ZeroMemory(bytes);
        return handle;
    }

    private unsafe BigInteger ToBigInteger(SafeBignumHandle value)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        fixed (byte* to = bytes)
        {
            Check(NativeMethods.BN_bn2binpad(value, to, ByteLength) == ByteLength ? 1 : 0);
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static void Check(int status)
    {
        if (status != 1)
        {
            throw new CryptographicException("An OpenSSL BIGNUM operation failed.");
        }
    }

    private sealed class NativeResidue : Residue
    {
        public NativeResidue(int width) => Width = width;

        public SafeBignumHandle Handle { get; } = new();

        public int Width { get; }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Handle.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
