using Duet.Actors.Protocol;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Runtime;

/// <summary>What two hellos agree on: roles, the scheme and its plan, or why they cannot agree.</summary>
public sealed record Agreement(Orientation Orientation, IProductPlan Plan, Hello Left, Hello Right)
{
    public OperandSide Encryptor => Orientation.Encryptor;

    public Scheme Scheme => Plan.Scheme;

    /// <summary>The shape of P = L·R.</summary>
    public (int Rows, int Columns) ProductShape => Orientation.Transposed ? (Plan.Columns, Plan.Rows) : (Plan.Rows, Plan.Columns);

    /// <summary>The hello of the party that holds the other operand than <paramref name="side"/>.</summary>
    public Hello Peer(OperandSide side) => side == OperandSide.Left ? Right : Left;

    /// <summary>Fraction bits of the product: fx + fy.</summary>
    public int ProductFractionBits => Left.FractionBits + Right.FractionBits;

    /// <summary>A resumed session: the result tiles both parties committed, which neither computes again.</summary>
    public TileRanges Skipped { get; init; } = TileRanges.Empty;
}

/// <summary>A handshake that cannot go on, with the reason both sides report.</summary>
public sealed class HandshakeException(AbortReason reason, string message) : Exception(message)
{
    public AbortReason Reason { get; } = reason;
}

/// <summary>The one function both parties call on the two hellos (docs/protocol.md §2, §4, §9).</summary>
public static class Handshake
{
    /// <summary>
    /// Roles and plan from the two hellos, or why there are none. Every size is checked against this party's
    /// <paramref name="limits"/>, and the plan's memory on this party against its budget, before anything is allocated.
    /// </summary>
    public static Agreement Agree(Hello mine, Hello theirs, int protocolVersion, SessionLimits limits, long tableMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        ArgumentNullException.ThrowIfNull(limits);
        if (mine.ProtocolVersion != protocolVersion || theirs.ProtocolVersion != protocolVersion)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"protocol versions differ: {mine.ProtocolVersion} and {theirs.ProtocolVersion}.");
        }

        CheckOwn(mine, limits, heldWhole: false);
        CheckOwn(theirs, limits, heldWhole: false);
        if (mine.Side == theirs.Side)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"both parties hold the {mine.Side.ToString().ToLowerInvariant()} operand.");
        }

        var (left, right) = mine.Side == OperandSide.Left ? (mine, theirs) : (theirs, mine);
        var orientation = ChooseOrientation(left, right);
        var e = orientation.Encryptor == OperandSide.Left ? left : right;
        var v = orientation.Encryptor == OperandSide.Left ? right : left;
        CheckOwn(e, limits, heldWhole: true);
        if (orientation.Transposed)
        {
            CheckOwn(v, limits, heldWhole: true);
        }

        if (left.Columns != right.Rows)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"inner dimensions differ: left is {left.Rows}x{left.Columns}, right is {right.Rows}x{right.Columns}.");
        }

        if (left.Scheme != Scheme.Auto && right.Scheme != Scheme.Auto)
        {
            Same(left.Scheme, right.Scheme, "scheme");
        }

        Same(left.Domain, right.Domain, "share domain");
        Same(left.Reveal, right.Reveal, "reveal choice");
        Same(left.Sigma, right.Sigma, "sigma");
        if ((long)left.Rows * right.Columns > limits.MaxProductEntries)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"a {left.Rows}x{right.Columns} product exceeds the {limits.MaxProductEntries} entries this party accepts.");
        }

        var (m, k, n) = orientation.Shape(left.Rows, left.Columns, right.Columns);
        try
        {
            var plan = PlanOf(left.Scheme == Scheme.Auto ? right.Scheme : left.Scheme, new ProductShape(m, k, n, v.InputBits, e.InputBits, left.Sigma, left.Domain, e.KeyBits, Math.Min(left.LinkMbps, right.LinkMbps)));

            // The evaluator's own hello says whether it accepts a fast key: both sides refuse before the encryptor makes one.
            if (plan.Scheme == Scheme.Paillier && PaillierScheme.KeyFormRefusal(e.KeyForm, v.AcceptFastKey) is { } refusal)
            {
                throw new HandshakeException(AbortReason.FastKeyRefused, refusal);
            }

            if (limits.PlanProblem(left.Rows, right.Columns, plan, orientation.Encryptor == mine.Side, tableMemoryBytes) is { } problem)
            {
                throw new HandshakeException(AbortReason.Incompatible, $"{problem}.");
            }

            return new Agreement(orientation, plan, left, right) { Skipped = Skipped(left, right, plan) };
        }
        catch (Crypto.Encoding.EncodingException error)
        {
            throw new HandshakeException(AbortReason.Incompatible, error.Message);
        }
    }

    /// <summary>The plan of the scheme asked for; under auto BFV's when it carries the product, else Paillier's.</summary>
    private static IProductPlan PlanOf(Scheme scheme, ProductShape shape)
    {
        if (scheme == Scheme.Auto)
        {
            try
            {
                return MatrixSchemes.Plan(Scheme.Bfv, shape);
            }
            catch (Crypto.Encoding.EncodingException)
            {
                return MatrixSchemes.Plan(Scheme.Paillier, shape);
            }
        }

        try
        {
            return MatrixSchemes.Plan(scheme, shape);
        }
        catch (Crypto.Encoding.EncodingException error) when (scheme == Scheme.Bfv)
        {
            throw new HandshakeException(
                AbortReason.Incompatible, $"{error.Message.TrimEnd('.')}: BFV cannot carry this product; run both parties with --scheme paillier (or --scheme auto).");
        }
    }

    /// <summary>The checks of a hello on its own (docs/protocol.md §9): shape and key size within the limits (the entry count
    /// for a matrix held whole: the evaluator reads a Paillier X that is its file's own rows by tiles), fraction bits in range.</summary>
    private static void CheckOwn(Hello hello, SessionLimits limits, bool heldWhole)
    {
        var problem = limits.ShapeProblem(hello.Rows, hello.Columns, hello.KeyBits, heldWhole);
        if (problem is null && (hello.FractionBits < 0 || hello.FractionBits >= hello.InputBits))
        {
            problem = $"fraction bits {hello.FractionBits} are outside [0, input bits {hello.InputBits})";
        }

        if (problem is not null)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"{hello.PartyName}'s hello is invalid: {problem}.");
        }
    }

    private static Orientation ChooseOrientation(Hello left, Hello right)
    {
        if (left.Role == right.Role && left.Role != RolePreference.Auto)
        {
            throw new HandshakeException(AbortReason.RoleConflict, $"both parties insist on being the {left.Role.ToString().ToLowerInvariant()}.");
        }

        return (left.Role, right.Role) switch
        {
            (RolePreference.Encryptor, _) or (_, RolePreference.Evaluator) => new Orientation(OperandSide.Left),
            (RolePreference.Evaluator, _) or (_, RolePreference.Encryptor) => new Orientation(OperandSide.Right),
            _ => Orientation.BySize(left.Rows, left.Columns, right.Rows, right.Columns),
        };
    }

    /// <summary>Both parties resume or neither (docs/protocol.md §10 as extended by resume): a resumed session skips the
    /// tiles both committed, the intersection, since a band committed by one side only has no partner on the other.</summary>
    private static TileRanges Skipped(Hello left, Hello right, IProductPlan plan)
    {
        if (left.Resume is null && right.Resume is null)
        {
            return TileRanges.Empty;
        }

        if (left.Resume is null || right.Resume is null)
        {
            var (resuming, fresh) = left.Resume is null ? (right, left) : (left, right);
            throw new HandshakeException(AbortReason.Incompatible, $"{resuming.PartyName} resumes an interrupted session and {fresh.PartyName} starts a new one: run both with --resume, or neither.");
        }

        if (Math.Max(left.Resume.End, right.Resume.End) > plan.Tiles)
        {
            throw new HandshakeException(AbortReason.PlanMismatch, $"the resumed tiles do not fit the plan of {plan.Tiles} {plan.Scheme} tiles.");
        }

        return left.Resume.Intersect(right.Resume);
    }

    private static void Same<T>(T a, T b, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(a, b))
        {
            throw new HandshakeException(AbortReason.Incompatible, $"the parties ask for different {what}: {a} and {b}.");
        }
    }
}
