using System.Numerics;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Crypto.Lattice;

public sealed partial record CoefficientPlan
{
    /// <summary>Bits of noise budget the chosen primes keep above the worst case (primes lie just below 2^bits).</summary>
    private const int Margin = 2;

    /// <summary>The evaluator's prepared fresh ciphertexts a plan may keep, when some plan fits: beyond it the cheapest
    /// plan of a tall product would trade memory that grows with m for a few transforms.</summary>
    public const long OperandMemoryBytes = 256L << 20;

    /// <summary>
    /// The plan for these shapes and parameters, or an <see cref="EncodingException"/> saying why none is safe. Among
    /// the safe plans it takes the cheapest by an estimate of CPU and of bytes on a link of <paramref name="linkMbps"/>.
    /// </summary>
    public static CoefficientPlan Create(
        int rows, int inner, int columns, int xBits, int yBits, int sigma = PackingPlan.MinimumSigma, ShareDomain domain = ShareDomain.Ring64, int linkMbps = ProductShape.DefaultLinkMbps)
    {
        if (rows <= 0 || inner <= 0 || columns <= 0)
        {
            throw new EncodingException($"Shapes must be positive: {rows}x{inner} times {inner}x{columns}.");
        }

        if (xBits is < 1 or > FixedPoint.MaxInputBits || yBits is < 1 or > FixedPoint.MaxInputBits)
        {
            throw new EncodingException($"Bit bounds must lie in [1, {FixedPoint.MaxInputBits}], got {xBits} and {yBits}.");
        }

        if (linkMbps is < 1 or > ProductShape.MaxLinkMbps)
        {
            throw new EncodingException($"The link speed must lie in [1, {ProductShape.MaxLinkMbps}] Mbit/s, got {linkMbps}.");
        }

        if (sigma < PackingPlan.MinimumSigma)
        {
            throw new EncodingException($"σ = {sigma} is below the minimum statistical security of {PackingPlan.MinimumSigma}.");
        }

        var productBits = xBits + yBits + CeilLog2(inner);
        // ring64: T = 2^64, shares are exactly uniform mod 2^64. integer: the mask leaves 2^(σ+λ) room above the
        // offset product, as Paillier's slots do (docs/protocol.md §4), so the lift to the integers never wraps.
        var plainBits = domain == ShareDomain.Ring64 ? 64 : productBits + 1 + sigma + CeilLog2((long)rows * columns);
        if (plainBits > BfvParameters.MaxPlainBits)
        {
            throw new EncodingException(
                $"Integer shares of a {productBits}-bit product need T = 2^{plainBits} > 2^{BfvParameters.MaxPlainBits}; use ring64 shares or lower the bit bounds.");
        }

        (CoefficientPlan? Plan, double Cost) best = (null, double.MaxValue), bestWithin = (null, double.MaxValue);
        foreach (var degree in BfvParameters.Degrees)
        {
            foreach (var nw in Candidates(columns, degree))
            {
                foreach (var kw in Candidates(inner, degree / nw))
                {
                    var mwMax = Math.Min(rows, degree / (kw * nw));
                    var rowBlocks = (rows + mwMax - 1) / mwMax;
                    var mw = (rows + rowBlocks - 1) / rowBlocks;
                    var plan = Sized(rows, inner, columns, xBits, yBits, sigma, domain, productBits, plainBits, degree, mw, kw, nw, linkMbps);
                    if (plan is null)
                    {
                        continue;
                    }

                    var cost = plan.Cost();
                    best = cost < best.Cost ? (plan, cost) : best;
                    bestWithin = cost < bestWithin.Cost && plan.OperandBytes <= OperandMemoryBytes ? (plan, cost) : bestWithin;
                }
            }
        }

        return bestWithin.Plan ?? best.Plan ?? throw new EncodingException(
            $"No BFV parameters within the 128-bit standard fit {rows}x{inner}·{inner}x{columns} with {xBits}- and {yBits}-bit entries and T = 2^{plainBits}; lower the bit bounds.");
    }

    /// <summary>A plan with the given blocks (tests and measurements); the shapes' checks are those of <see cref="Create"/>.</summary>
    internal static CoefficientPlan WithBlocks(int rows, int inner, int columns, int xBits, int yBits, int sigma, ShareDomain domain, int degree, int mw, int kw, int nw)
    {
        var productBits = xBits + yBits + CeilLog2(inner);
        var plainBits = domain == ShareDomain.Ring64 ? 64 : productBits + 1 + sigma + CeilLog2((long)rows * columns);
        if ((long)mw * kw * nw > degree || mw > rows || kw > inner || nw > columns)
        {
            throw new EncodingException($"Blocks {mw}x{kw}x{nw} do not fit N = {degree} or the shapes.");
        }

        return Sized(rows, inner, columns, xBits, yBits, sigma, domain, productBits, plainBits, degree, mw, kw, nw, ProductShape.DefaultLinkMbps)
            ?? throw new EncodingException("No prime chain within the standard fits these blocks.");
    }

    /// <summary>
    /// Worst-case noise budget of a reply in bits: log2(2^w/2) − log2(T·B'') with B'' = B·2^w/q + 1 + 2^(w−w0−1) + N,
    /// where B bounds the evaluated, re-randomised and flooded noise, 1 the switch's rounding of c0, 2^(w−w0−1) the
    /// rounding of c0 to its top w0 bits and N the rounding of c1 times ‖s‖₁ ≤ N. Decryption is correct while it is positive.
    /// </summary>
    public double WorstCaseNoiseBudget(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var q = parameters.Product(parameters.Levels);
        var w = parameters.ReplyBits;
        var total = EvaluationNoise + RerandomisationNoise + (BigInteger.One << FloodBits) + 1;
        var scaled = (total * (BigInteger.One << w) / q) + 1 + 1 + (BigInteger.One << (w - parameters.ResultBits - 1)) + Degree;
        return w - 1 - PlainBits - BigInteger.Log(scaled, 2);
    }

    /// <summary>The plan for these blocks with the smallest prime chain that decrypts, or null if none fits the standard.</summary>
    private static CoefficientPlan? Sized(
        int rows, int inner, int columns, int xBits, int yBits, int sigma, ShareDomain domain, int productBits, int plainBits, int degree, int mw, int kw, int nw, int linkMbps)
    {
        var innerBlocks = (inner + kw - 1) / kw;
        var results = (long)((rows + mw - 1) / mw) * ((columns + nw - 1) / nw);
        // Each evaluated coefficient sums ≤ (k/k_w)·m_w·k_w products of |x| < 2^bx with |e + rounding| ≤ η + 1/2.
        var evaluation = (BigInteger)innerBlocks * mw * kw * ((BigInteger.One << xBits) - 1) * ((2 * BfvParameters.ErrorBound) + 1);
        evaluation = (evaluation + 1) / 2;
        // e_pk·u + e0 + e1·s with u, s ternary: η·(2N + 1).
        var rerandomisation = (BigInteger)BfvParameters.ErrorBound * ((2 * degree) + 1);
        var floodCountBits = CeilLog2(results * mw * nw);
        var floodBits = (int)(evaluation + rerandomisation).GetBitLength() + sigma + floodCountBits;
        if (floodBits > 127)
        {
            return null;
        }

        var replyNeed = BfvParameters.ReplyPrimeBitsFor(degree, plainBits) + Margin;
        var totalNeed = plainBits + floodBits + 1 + 1 + Margin;
        CoefficientPlan? best = null;
        foreach (var primeBits in PrimeSizes(replyNeed, totalNeed, BfvParameters.MaxCoefficientBits(degree)))
        {
            var plan = new CoefficientPlan
            {
                Rows = rows,
                Inner = inner,
                Columns = columns,
                XBits = xBits,
                YBits = yBits,
                Sigma = sigma,
                Domain = domain,
                LinkMbps = linkMbps,
                ProductBits = productBits,
                Degree = degree,
                BlockRows = mw,
                BlockInner = kw,
                BlockColumns = nw,
                PlainBits = plainBits,
                EvaluationNoise = evaluation,
                RerandomisationNoise = rerandomisation,
                FloodBits = floodBits,
                FloodCountBits = floodCountBits,
                PrimeBits = primeBits.Bits,
                ReplyPrimes = primeBits.Reply,
            };
            best = best is null || plan.Cost() < best.Cost() ? plan : best;
        }

        return best;
    }

    /// <summary>
    /// Prime chains within the standard: K primes covering replyNeed bits, then primes up to totalNeed; or the fewest
    /// primes in all (fewer transforms) of which the first K cover replyNeed.
    /// </summary>
    private static List<(int[] Bits, int Reply)> PrimeSizes(int replyNeed, int totalNeed, int maxBits)
    {
        var options = new List<(int[] Bits, int Reply)>();
        var reply = (replyNeed + Modulus.MaxBits - 1) / Modulus.MaxBits;
        var each = (replyNeed + reply - 1) / reply;
        var rest = Math.Max(0, totalNeed - (reply * each));
        var dropped = (rest + Modulus.MaxBits - 1) / Modulus.MaxBits;
        var bits = Enumerable.Repeat(each, reply).Concat(Enumerable.Repeat(Math.Max(20, (rest + Math.Max(1, dropped) - 1) / Math.Max(1, dropped)), dropped)).ToArray();
        if (bits.Sum() <= maxBits)
        {
            options.Add((bits, reply));
        }

        var fewest = (Math.Max(totalNeed, replyNeed) + Modulus.MaxBits - 1) / Modulus.MaxBits;
        var even = (Math.Max(totalNeed, replyNeed) + fewest - 1) / fewest;
        var keep = (replyNeed + even - 1) / even;
        if (fewest * even <= maxBits && keep <= fewest)
        {
            options.Add(([.. Enumerable.Repeat(even, fewest)], keep));
        }

        return options;
    }

    /// <summary>Block widths worth trying for a dimension d under a cap: balanced splits ceil(d/j) and powers of two.</summary>
    private static SortedSet<int> Candidates(int d, int cap)
    {
        var set = new SortedSet<int>();
        for (var j = 1; j <= Math.Min(d, 64); j++)
        {
            set.Add((d + j - 1) / j);
        }

        for (var p = 1; p <= d; p *= 2)
        {
            set.Add(p);
        }

        set.RemoveWhere(w => w > cap);
        return set;
    }

    /// <summary>
    /// Estimated single-core nanoseconds of both parties plus bytes on the wire: transforms dominate (one per plaintext
    /// block, per ciphertext and per reply at each prime), then pointwise products, then traffic.
    /// </summary>
    private double Cost()
    {
        var levels = PrimeBits.Count;
        var byteCost = 8000.0 / LinkMbps; // nanoseconds a byte takes on the link
        double n = Degree;
        var transform = 2.2 * n * Math.Log2(n) / 2;
        double bytesOut = SeededCiphertextBytes, bytesBack = ReplyBytes;
        double operands = EncryptedCount, plains = (double)RowBlocks * InnerBlocks, results = ResultCount;
        var products = plains * ColumnBlocks;
        return (operands * ((levels * transform) + (bytesOut * byteCost) + (2 * levels * n * 20)))
            + (plains * levels * transform)
            + (products * 2 * levels * n * 2)
            + (results * (((3 * levels) + (2 * ReplyPrimes)) * transform + (levels * n * 15) + (bytesBack * byteCost) + (PositionsPerResult * 400)));
    }

    private static int CeilLog2(long value)
    {
        var bits = 0;
        while ((1L << bits) < value)
        {
            bits++;
        }

        return bits;
    }
}
