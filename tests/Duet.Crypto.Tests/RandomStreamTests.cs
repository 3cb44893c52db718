namespace Duet.Crypto.Tests;

/// <summary>The repeatable randomness of a tile: the same seed and label give the same bytes however they are drawn;
/// another label or seed gives other bytes.</summary>
public sealed class RandomStreamTests
{
    [Fact]
    public void TheSameSeedAndLabelRepeatTheStreamAndAnythingElseChangesIt()
    {
        var seed = RandomStream.NewSeed();
        var whole = new byte[5000];
        using (var stream = new RandomStream(seed, "tile 1"u8))
        {
            stream.Fill(whole);
        }

        // Drawn in odd pieces across the stream's internal blocks: the same bytes.
        var pieces = new byte[whole.Length];
        using (var stream = new RandomStream(seed, "tile 1"u8))
        {
            for (var at = 0; at < pieces.Length; at += 7)
            {
                stream.Fill(pieces.AsSpan(at, Math.Min(7, pieces.Length - at)));
            }
        }

        Assert.Equal(whole, pieces);
        Assert.NotEqual(whole, Draw(seed, "tile 2"u8.ToArray(), whole.Length));
        Assert.NotEqual(whole, Draw(RandomStream.NewSeed(), "tile 1"u8.ToArray(), whole.Length));
        Assert.Throws<ArgumentException>(() => new RandomStream(new byte[16], "tile 1"u8));
    }

    [Fact]
    public void ItsBytesLookUniform()
    {
        var bytes = Draw(RandomStream.NewSeed(), "uniform"u8.ToArray(), 1 << 16);
        var counts = new int[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }

        // 256 expected per value; a chi-square above 400 (255 degrees of freedom) has probability far below 1e-9.
        var chiSquare = counts.Sum(c => (c - 256.0) * (c - 256.0) / 256.0);
        Assert.InRange(chiSquare, 0, 400);
        Assert.NotEqual(bytes.AsSpan(0, 32).ToArray(), new byte[32]);
    }

    private static byte[] Draw(byte[] seed, byte[] label, int count)
    {
        var bytes = new byte[count];
        using var stream = new RandomStream(seed, label);
        stream.Fill(bytes);
        return bytes;
    }
}
