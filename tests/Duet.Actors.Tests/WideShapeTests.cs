using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tests;

/// <summary>A product of one row and very many columns, either party forced to encrypt, on both schemes: no block,
/// tile or revealed row outgrows the transport frame, and the revealed product is exact.</summary>
public sealed class WideShapeTests(RuntimeKeys keys) : IClassFixture<RuntimeKeys>
{
    // Paillier's 1024-bit test keys make every result cost a multi-exponentiation: a tenth of the width keeps it quick.
    public static TheoryData<Scheme, int, RolePreference> Cases() => new()
    {
        { Scheme.Bfv, 200_000, RolePreference.Encryptor },
        { Scheme.Bfv, 200_000, RolePreference.Evaluator },
        { Scheme.Paillier, 20_000, RolePreference.Encryptor },
        { Scheme.Paillier, 20_000, RolePreference.Evaluator },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OneRowByVeryManyColumnsCompletesExactly(Scheme scheme, int columns, RolePreference leftRole)
    {
        var random = new Random(columns + (int)leftRole);
        var left = TwoParties.Random(random, 1, 1, 16);
        var right = TwoParties.Random(random, 1, columns, 16);
        PartySettings Settings(OperandSide side) => TwoParties.Settings(side, side == OperandSide.Left ? keys.Left : keys.Right) with
        {
            Scheme = scheme,
            Role = side == OperandSide.Left ? leftRole : RolePreference.Auto,
            Reveal = Reveal.Both,
            Timeout = TimeSpan.FromSeconds(60),
        };

        var (a, b) = await TwoParties.Run(left, Settings(OperandSide.Left), right, Settings(OperandSide.Right), TimeSpan.FromSeconds(120));

        Assert.Equal(scheme, a.Statistics.Plan.Scheme);
        Assert.Equal(leftRole == RolePreference.Encryptor, a.Statistics.IsEncryptor);
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct(a.Share!, b.Share!, ShareDomain.Ring64).Data);
        Assert.Equal(Shares.Product(left, right).Data, a.Product!.Data);
        Assert.Equal(Shares.Product(left, right).Data, b.Product!.Data);
    }
}
