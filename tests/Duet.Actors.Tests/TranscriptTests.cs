using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.Runtime;
using Duet.Actors.State;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>The Done digest covers the whole session: changing any part of it changes the digest.</summary>
public sealed class TranscriptTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Hello Left = new(Id, 1, OperandSide.Left, 6, 4, 16, 0, ShareDomain.Ring64, Reveal.Both, 1024, 40, RolePreference.Auto, "l");
    private static readonly Hello Right = new(Id, 1, OperandSide.Right, 4, 3, 16, 0, ShareDomain.Ring64, Reveal.Both, 1024, 40, RolePreference.Auto, "r");

    [Fact]
    public void EveryPartOfTheSessionChangesTheDigest()
    {
        var agreement = Handshake.Agree(Left, Right, 1, TwoParties.TestLimits, 0);
        var key = Transcript.KeyDigest(keys.Left.PublicKey.ToBytes());
        var (e, v) = (Ledger([1, 2, 3]), Ledger([4, 5]));
        var share = Transcript.ShareDigest(new Matrix<BigInteger>(2, 2, [1, -2, 3, BigInteger.Pow(2, 70)]));
        var digest = Transcript.Digest(agreement, key, e, v, share, null);

        Assert.Equal(digest, Transcript.Digest(Handshake.Agree(Right, Left, 1, TwoParties.TestLimits, 0), key, Ledger([1, 2, 3]), Ledger([4, 5]), share, null));
        byte[][] others =
        [
            Transcript.Digest(Handshake.Agree(Left with { PartyName = "x" }, Right, 1, TwoParties.TestLimits, 0), key, e, v, share, null),
            Transcript.Digest(agreement, Transcript.KeyDigest(keys.Right.PublicKey.ToBytes()), e, v, share, null),
            Transcript.Digest(agreement, key, Ledger([1, 2, 9]), v, share, null),
            Transcript.Digest(agreement, key, e, Ledger([4]), share, null),
            Transcript.Digest(agreement, key, v, e, share, null),
            Transcript.Digest(agreement, key, e, v, null, share),
            Transcript.Digest(agreement, key, e, v, Transcript.ShareDigest(new Matrix<BigInteger>(2, 2, [1, -2, 3, 4])), null),
        ];
        Assert.All(others, other => Assert.NotEqual(digest, other));
        Assert.Equal(others.Length, others.Select(Convert.ToHexString).Distinct().Count());
    }

    private static BlockLedger Ledger(byte[] blocks)
    {
        var ledger = new BlockLedger(3);
        for (var i = 0; i < blocks.Length; i++)
        {
            ledger.Record(i, [blocks[i]], 1);
        }

        return ledger;
    }
}
