using Duet.Crypto.Lattice;

namespace Duet.Crypto.Tests.Lattice;

public sealed class XofTests
{
    [Fact]
    public void HardwareAesMatchesTheLibraryAndTheFipsVector()
    {
        // FIPS-197 appendix C.3: AES-256 of 00112233…ff under key 000102…1f.
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using var library = System.Security.Cryptography.Aes.Create();
        library.Key = key;
        var block = Convert.FromHexString("00112233445566778899aabbccddeeff");
        Assert.Equal("8EA2B7CA516745BFEAFC49904B496089", Convert.ToHexString(library.EncryptEcb(block, System.Security.Cryptography.PaddingMode.None)));

        using var hardware = new AesCounter(key, hardware: true);
        using var software = new AesCounter(key, hardware: false);
        var a = new byte[4096];
        var b = new byte[4096];
        hardware.Next(a);
        software.Next(b);
        Assert.Equal(b, a);
        hardware.Next(a);
        software.Next(b);
        Assert.Equal(b, a);
        Assert.NotEqual(a.AsSpan(0, 16).ToArray(), a.AsSpan(16, 16).ToArray());
    }

    [Fact]
    public void SameSeedSameStreamAndSamplersStayInRange()
    {
        var seed = Xof.NewSeed();
        using var x = new Xof(seed);
        using var y = new Xof(seed);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(x.NextBelow(1_000_003), y.NextBelow(1_000_003));
        }

        var counts = new int[3];
        for (var i = 0; i < 30_000; i++)
        {
            var e = x.NextCenteredBinomial(BfvParameters.ErrorBound);
            Assert.InRange(e, -21, 21);
            counts[x.NextTernary() + 1]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }
}
