using System.Numerics;
using Duet.Crypto.Lattice;
using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests.Lattice;

/// <summary>The reply's arithmetic mod 2^w against BigInteger, and the bit-packed wire's one encoding per value.</summary>
public sealed class ReplyWireTests
{
    public static TheoryData<int, int[], int> Chains => new()
    {
        { 8192, [59, 59, 59], 64 },      // W1 ring64: w = 82, two words
        { 16384, [56, 56, 56, 40, 40], 129 }, // integer shares: w = 148, three words
        { 4096, [36, 36, 36], 20 },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void SwitchLiftAndRoundingMatchExactArithmetic(int degree, int[] bits, int plainBits)
    {
        var parameters = BfvParameters.Create(degree, bits, replyPrimes: ReplyPrimes(degree, bits, plainBits), plainBits);
        var reply = parameters.Reply;
        var power = BigInteger.One << reply.Bits;
        var q = parameters.Product(parameters.Levels);
        var qReply = parameters.Product(parameters.ReplyPrimes);
        var random = new Random(degree + plainBits);
        var value = new ulong[reply.Words];
        for (var trial = 0; trial < 2000; trial++)
        {
            // Switch: round(2^w·x/q) mod 2^w, within one of the exact rounding (ties and the truncated fractions).
            var x = RandomBelow(random, q);
            reply.Switch(Residues(parameters, x, parameters.Levels), value);
            var exact = ((x << reply.Bits) + (q >> 1)) / q % power;
            var got = PlainScaling.FromWords(value);
            Assert.True(BigInteger.Abs(got - exact) <= 1 || BigInteger.Abs(got - exact) == power - 1, $"switch of {x}: {got} vs {exact}");

            // Lift: a centered |y| < Q/4 to y mod 2^w.
            var y = RandomBelow(random, qReply / 2) - (qReply / 4);
            reply.Lift(Residues(parameters, y, parameters.ReplyPrimes), value);
            Assert.Equal(((y % power) + power) % power, PlainScaling.FromWords(value));

            // AddShifted and RoundDown.
            var addend = RandomBelow(random, BigInteger.One << plainBits);
            var shift = reply.Bits - plainBits;
            var words = new ulong[parameters.Scaling.Words];
            PlainScaling.ToWords(addend, words);
            reply.AddShifted(value, words, shift);
            var sum = ((((y % power) + power) % power) + (addend << shift)) % power;
            Assert.Equal(sum, PlainScaling.FromWords(value));
            reply.RoundDown(value, shift);
            Assert.Equal((sum + (BigInteger.One << (shift - 1))) >> shift & ((BigInteger.One << plainBits) - 1), PlainScaling.FromWords(value));
        }
    }

    [Fact]
    public void BitsRoundTripAndEveryValueHasOneEncoding()
    {
        var random = new Random(5);
        var widths = Enumerable.Range(0, 301).Select(_ => random.Next(1, 65)).ToArray();
        var values = widths.Select(w => (ulong)random.NextInt64() & (w == 64 ? ulong.MaxValue : (1UL << w) - 1)).ToArray();
        var bytes = new byte[(widths.Sum() + 7) / 8];
        var writer = new BitWriter(bytes);
        for (var i = 0; i < values.Length; i++)
        {
            writer.Write(values[i], widths[i]);
        }

        writer.Finish();
        Assert.True(ReadAll(bytes, widths, out var read));
        Assert.Equal(values, read);

        var padding = (bytes.Length * 8) - widths.Sum();
        Assert.InRange(padding, 1, 7); // this draw leaves padding; a set padding bit is refused
        var dirty = (byte[])bytes.Clone();
        dirty[^1] |= (byte)(0x80);
        Assert.False(ReadAll(dirty, widths, out _));
        Assert.False(ReadAll(bytes.AsSpan(0, bytes.Length - 1).ToArray(), widths, out _)); // a byte short
        Assert.False(ReadAll([.. bytes, 0], widths, out _)); // a byte long
    }

    [Fact]
    public void AReplyWithPaddingBitsSetIsRefused()
    {
        // τ = 21: three result coefficients of τ + 4 = 25 bits, then 4096 of w = 38 bits: 5 bits of padding.
        var parameters = BfvParameters.Create(4096, [36, 36, 36], replyPrimes: 2, plainBits: 21);
        var keys = new BfvKeyGenerator(parameters);
        var evaluator = new BfvEvaluator(keys.CreatePublicKey());
        var decryptor = new BfvDecryptor(keys.SecretKey);
        int[] positions = [3, 4, 5];
        var reply = new byte[evaluator.ReplyBytes(positions.Length)];
        Assert.Equal(((3 * 25) + (4096 * 38) + 7) / 8, reply.Length);
        var mask = new ulong[] { 1, 2, (1UL << 21) - 1 };
        evaluator.Reply(new ulong[evaluator.PolynomialWords], new ulong[evaluator.PolynomialWords], mask, floodBits: 10, positions, reply);
        Assert.True(Wire.IsCanonicalReply(parameters, positions.Length, reply));
        var messages = new BigInteger[positions.Length];
        decryptor.DecryptReply(reply, positions, messages);
        Assert.Equal(mask.Select(m => new BigInteger(m)), messages);

        reply[^1] |= 0x80;
        Assert.False(Wire.IsCanonicalReply(parameters, positions.Length, reply));
        var error = Assert.Throws<InvalidCiphertextException>(() => decryptor.DecryptReply(reply, positions, messages));
        Assert.Contains("padding", error.Message, StringComparison.Ordinal);
    }

    private static bool ReadAll(byte[] bytes, int[] widths, out ulong[] values)
    {
        var reader = new BitReader(bytes);
        values = new ulong[widths.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            values[i] = reader.Read(widths[i]);
        }

        return reader.AtCleanEnd;
    }

    private static int ReplyPrimes(int degree, int[] bits, int plainBits)
    {
        var need = BfvParameters.ReplyPrimeBitsFor(degree, plainBits) + 1;
        var (sum, count) = (0, 0);
        while (sum < need)
        {
            sum += bits[count++];
        }

        return count;
    }

    private static ulong[] Residues(BfvParameters parameters, BigInteger x, int level) =>
        [.. parameters.Primes.Take(level).Select(p => (ulong)(((x % p.Value) + p.Value) % p.Value))];

    private static BigInteger RandomBelow(Random random, BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount() + 8];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % bound;
    }
}
