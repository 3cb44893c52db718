using Duet.Actors.Protocol;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Runtime;

/// <summary>What two hellos agree on: roles and the packing plan, or why they cannot agree.</summary>
public sealed record Agreement(Orientation Orientation, PackingPlan Plan, Hello Left, Hello Right)
{
    public OperandSide Encryptor => Orientation.Encryptor;

    /// <summary>The hello of the party that holds the other operand than <paramref name="side"/>.</summary>
    public Hello Peer(OperandSide side) => side == OperandSide.Left ? Right : Left;

    /// <summary>Fraction bits of the product: fx + fy.</summary>
    public int ProductFractionBits => Left.FractionBits + Right.FractionBits;
}

/// <summary>A handshake that cannot go on, with the reason both sides report.</summary>
public sealed class HandshakeException(AbortReason reason, string message) : Exception(message)
{
    public AbortReason Reason { get; } = reason;
}

/// <summary>The one function both parties call on the two hellos (PROTOCOL.md §2, §4).</summary>
public static class Handshake
{
    public static Agreement Agree(Hello mine, Hello theirs, int protocolVersion)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        if (mine.ProtocolVersion != protocolVersion || theirs.ProtocolVersion != protocolVersion)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"protocol versions differ: {mine.ProtocolVersion} and {theirs.ProtocolVersion}.");
        }

        CheckOwn(mine);
        CheckOwn(theirs);
        if (mine.Side == theirs.Side)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"both parties hold the {mine.Side.ToString().ToLowerInvariant()} operand.");
        }

        var (left, right) = mine.Side == OperandSide.Left ? (mine, theirs) : (theirs, mine);
        if (left.Columns != right.Rows)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"inner dimensions differ: left is {left.Rows}x{left.Columns}, right is {right.Rows}x{right.Columns}.");
        }

        Same(left.Domain, right.Domain, "share domain");
        Same(left.Reveal, right.Reveal, "reveal choice");
        Same(left.Sigma, right.Sigma, "sigma");
        if ((long)left.Rows * right.Columns > MaxProductEntries)
        {
            throw new HandshakeException(AbortReason.Incompatible, $"a {left.Rows}x{right.Columns} product exceeds the {MaxProductEntries} entries one session holds.");
        }

        var orientation = ChooseOrientation(left, right);
        var e = orientation.Encryptor == OperandSide.Left ? left : right;
        var v = orientation.Encryptor == OperandSide.Left ? right : left;
        var (m, k, n) = orientation.Shape(left.Rows, left.Columns, right.Columns);
        try
        {
            var plan = PackingPlan.Create(m, k, n, v.InputBits, e.InputBits, e.KeyBits, left.Sigma, left.Domain);
            return new Agreement(orientation, plan, left, right);
        }
        catch (Crypto.Encoding.EncodingException error)
        {
            throw new HandshakeException(AbortReason.Incompatible, error.Message);
        }
    }

    /// <summary>Largest dimension a hello may announce.</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>Largest product one session computes: each party holds a share of every entry in memory.</summary>
    public const long MaxProductEntries = 1L << 28;

    /// <summary>The checks of a hello on its own (PROTOCOL.md §9): shapes, fraction bits and key size in range.</summary>
    private static void CheckOwn(Hello hello)
    {
        string? problem = null;
        if (hello.Rows is < 1 or > MaxDimension || hello.Columns is < 1 or > MaxDimension)
        {
            problem = $"a {hello.Rows}x{hello.Columns} matrix is outside 1..{MaxDimension} per dimension";
        }
        else if (hello.FractionBits < 0 || hello.FractionBits >= hello.InputBits)
        {
            problem = $"fraction bits {hello.FractionBits} are outside [0, input bits {hello.InputBits})";
        }
        else if (hello.KeyBits is < 256 or > 16384)
        {
            problem = $"a {hello.KeyBits}-bit key is outside 256..16384 bits";
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

    private static void Same<T>(T a, T b, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(a, b))
        {
            throw new HandshakeException(AbortReason.Incompatible, $"the parties ask for different {what}: {a} and {b}.");
        }
    }
}
