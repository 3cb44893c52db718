using System.Net;
using System.Net.Sockets;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Tests;

/// <summary>Shared test keys (1024 bits: these tests are about the runtime, not the cryptography).</summary>
public sealed class RuntimeKeys : IDisposable
{
    public PaillierPrivateKey Left { get; } = PaillierKeyGenerator.Generate(1024, allowTestSizes: true);

    public PaillierPrivateKey Right { get; } = PaillierKeyGenerator.Generate(1024, allowTestSizes: true);

    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
    }
}

/// <summary>Runs two real parties, each its own ActorSystem, over loopback TCP on ports free at test time.</summary>
internal static class TwoParties
{
    public static readonly Akka.Configuration.Config SerializeAll =
        Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.serialize-messages = on");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The default limits, but accepting the small keys these tests use.</summary>
    public static readonly SessionLimits TestLimits = PartySettings.Defaults.Limits with { AllowTestKeySizes = true };

    public static PartySettings Settings(OperandSide side, PaillierPrivateKey? key, int bits = 16) => PartySettings.Defaults with
    {
        Name = side.ToString(),
        Side = side,
        Scheme = Scheme.Paillier,
        InputBits = bits,
        KeyBits = 1024,
        MinKeyBits = 1024,
        Limits = TestLimits,
        Key = key,
        Timeout = TimeSpan.FromSeconds(20),
        Window = 2,
        Workers = 2,
    };

    public static async Task<(PartyResult Left, PartyResult Right)> Run(
        Matrix<long> left, PartySettings leftSettings, Matrix<long> right, PartySettings rightSettings, TimeSpan? limit = null,
        Akka.Configuration.Config? config = null)
    {
        var port = FreePort();
        using var cts = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(60));
        var listening = DuetParty.RunAsync(leftSettings, left, new PartyEndpoint("127.0.0.1", port), null, cts.Token, config ?? SerializeAll);
        var calling = DuetParty.RunAsync(rightSettings, right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, cts.Token, config ?? SerializeAll);
        return (await listening, await calling);
    }

    public static Matrix<long> Random(Random random, int rows, int columns, int bits)
    {
        var limit = (1L << bits) - 1;
        return new Matrix<long>(rows, columns, Enumerable.Range(0, rows * columns).Select(_ => random.NextInt64(-limit, limit + 1)).ToArray());
    }
}
