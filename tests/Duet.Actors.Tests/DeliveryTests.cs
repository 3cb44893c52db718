using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Duet.Actors.Delivery;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>Delivery to a third party over real actor systems on loopback with mutual TLS: parties A and B send their
/// shares (<see cref="ShareDelivery.DeliverAsync"/>), C collects them (<see cref="ShareDelivery.CollectAsync"/>).</summary>
public sealed class DeliveryTests(TlsCertificates certs) : IClassFixture<TlsCertificates>
{
    // Small runs and a small window, so that a share of a few dozen entries travels in many runs under flow control.
    private static readonly X509Certificate2 Collector = SelfSignedCertificate.Create("collector", TimeSpan.FromDays(2));

    internal static readonly byte[] SessionTranscript = [.. Enumerable.Range(1, ShareOffer.DigestBytes).Select(i => (byte)i)];

    private static readonly DeliverySettings Settings = new()
    {
        Timeout = TimeSpan.FromSeconds(20),
        Wait = TimeSpan.FromSeconds(40),
        Window = 2,
        BlockBytes = 48,
        MaxProductEntries = 1 << 20,
    };

    [Fact]
    public async Task Both_shares_arrive_whole_in_many_runs_and_add_up_to_the_product()
    {
        var session = Guid.NewGuid();
        var (left, right, product) = Ring64Shares(7, 5, seed: 1);
        var port = TwoParties.FreePort();
        var collecting = Collect(port, certs.A, certs.B);

        var reports = await Task.WhenAll(
            Deliver(port, certs.A, new DeliveredShare(session, OperandSide.Left, ShareDomain.Ring64, 8, left, SessionTranscript)),
            Deliver(port, certs.B, new DeliveredShare(session, OperandSide.Right, ShareDomain.Ring64, 8, right, SessionTranscript)));
        var collected = await collecting;

        Assert.All(reports, r => Assert.True(r.Runs > 3 * Settings.Window, $"{r.Runs} runs"));
        Assert.Equal(left.Data, collected.Left.Values.Data);
        Assert.Equal(right.Data, collected.Right.Values.Data);
        Assert.Equal((session, 8, 7, 5), (collected.Left.SessionId, collected.Right.FractionBits, collected.Right.Values.Rows, collected.Right.Values.Columns));
        Assert.Equal(product.Data, Shares.Reconstruct(collected.Left.Values, collected.Right.Values, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task Shares_of_two_sessions_are_refused_and_the_collection_fails()
    {
        var (left, right, _) = Ring64Shares(3, 2, seed: 2);
        var port = TwoParties.FreePort();
        var collecting = Collect(port, certs.A, certs.B);
        await Deliver(port, certs.A, new DeliveredShare(Guid.NewGuid(), OperandSide.Left, ShareDomain.Ring64, 0, left, SessionTranscript));

        var refused = await Assert.ThrowsAsync<DeliveryFailedException>(() =>
            Deliver(port, certs.B, new DeliveredShare(Guid.NewGuid(), OperandSide.Right, ShareDomain.Ring64, 0, right, SessionTranscript)));
        var failed = await Assert.ThrowsAsync<DeliveryFailedException>(() => collecting);

        Assert.Contains("refused the share: the shares come from two different sessions", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused the right share", failed.Message, StringComparison.Ordinal);
        Assert.Contains("two different sessions", failed.Message, StringComparison.Ordinal);
        Assert.False(failed.TimedOut);
    }

    [Theory]
    [InlineData(OperandSide.Left, ShareDomain.Ring64, 0, 3, "a second share of the left side")]
    [InlineData(OperandSide.Right, ShareDomain.Integer, 0, 3, "share domains differ")]
    [InlineData(OperandSide.Right, ShareDomain.Ring64, 16, 3, "shape or scale")]
    [InlineData(OperandSide.Right, ShareDomain.Ring64, 0, 4, "shape or scale")]
    public async Task A_share_that_does_not_match_the_first_is_refused(OperandSide side, ShareDomain domain, int fractionBits, int rows, string reason)
    {
        var session = Guid.NewGuid();
        var (left, _, _) = Ring64Shares(3, 2, seed: 3);
        var (other, _, _) = Ring64Shares(rows, 2, seed: 4);
        var port = TwoParties.FreePort();
        var collecting = Collect(port, certs.A, certs.B);
        await Deliver(port, certs.A, new DeliveredShare(session, OperandSide.Left, ShareDomain.Ring64, 0, left, SessionTranscript));

        // The left side's certificate sends a second left share; the right side's, a right share that does not fit.
        var refused = await Assert.ThrowsAsync<DeliveryFailedException>(() =>
            Deliver(port, side == OperandSide.Left ? certs.A : certs.B, new DeliveredShare(session, side, domain, fractionBits, other, SessionTranscript)));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, (await Assert.ThrowsAsync<DeliveryFailedException>(() => collecting)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpinned_sender_is_refused_at_the_link_and_the_collector_says_so_when_its_wait_ends()
    {
        var session = Guid.NewGuid();
        var (left, right, _) = Ring64Shares(2, 2, seed: 5);
        var port = TwoParties.FreePort();
        var collecting = Collect(port, certs.A, certs.B, Settings with { Wait = TimeSpan.FromSeconds(15) });
        await Deliver(port, certs.A, new DeliveredShare(session, OperandSide.Left, ShareDomain.Ring64, 0, left, SessionTranscript));

        // The stranger pins C's certificate, but C does not pin the stranger's.
        var stranger = await Assert.ThrowsAsync<DeliveryFailedException>(() =>
            Deliver(port, certs.Stranger, new DeliveredShare(session, OperandSide.Right, ShareDomain.Ring64, 0, right, SessionTranscript), Settings with { Timeout = TimeSpan.FromSeconds(4) }));
        var failed = await Assert.ThrowsAsync<DeliveryFailedException>(() => collecting);

        // C tells the stranger why before it closes the link.
        Assert.StartsWith($"TLS: the peer at 127.0.0.1:{port} refused this party's certificate ({Pin(certs.Stranger)}; ", stranger.Message, StringComparison.Ordinal);
        Assert.Contains("is not pinned", stranger.Message, StringComparison.Ordinal);
        Assert.True(failed.TimedOut);
        Assert.Contains("only the left share arrived", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"its certificate {Pin(certs.Stranger)} is not pinned", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sender_that_pins_another_certificate_refuses_the_collector()
    {
        var (left, _, _) = Ring64Shares(2, 2, seed: 6);
        var port = TwoParties.FreePort();
        using var stop = new CancellationTokenSource();
        var collecting = Collect(port, certs.A, certs.B, cancel: stop.Token);
        var endpoint = new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}") { Tls = new PartyTls(certs.A, [Pin(certs.Stranger)]) };

        var refused = await Assert.ThrowsAsync<DeliveryFailedException>(() =>
            ShareDelivery.DeliverAsync(new DeliveredShare(Guid.NewGuid(), OperandSide.Left, ShareDomain.Ring64, 0, left, SessionTranscript), endpoint, Settings));

        Assert.Contains($"its certificate {Pin(Collector)} is not pinned", refused.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collecting);
    }

    internal static Task<CollectedShares> Collect(int port, X509Certificate2 a, X509Certificate2 b, DeliverySettings? settings = null, CancellationToken cancel = default) =>
        ShareDelivery.CollectAsync(new PartyEndpoint("127.0.0.1", port) { Tls = new PartyTls(Collector, [Pin(a), Pin(b)]) }, new CollectorPins(Pin(a), Pin(b)), settings ?? Settings, cancel);

    internal static Task<DeliveryReport> Deliver(int port, X509Certificate2 own, DeliveredShare share, DeliverySettings? settings = null) =>
        ShareDelivery.DeliverAsync(share, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}") { Tls = new PartyTls(own, [Pin(Collector)]) }, settings ?? Settings);

    internal static string Pin(X509Certificate2 certificate) => CertificateFingerprint.Of(certificate);

    /// <summary>Two ring64 shares of a random product with entries of both signs.</summary>
    internal static (Matrix<BigInteger> Left, Matrix<BigInteger> Right, Matrix<BigInteger> Product) Ring64Shares(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var product = new Matrix<BigInteger>(rows, columns);
        var left = new Matrix<BigInteger>(rows, columns);
        for (var i = 0; i < product.Data.Length; i++)
        {
            product.Data[i] = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
            left.Data[i] = (ulong)random.NextInt64() * 2UL + (ulong)random.Next(2);
        }

        var right = new Matrix<BigInteger>(rows, columns, [.. product.Data.Zip(left.Data, (p, l) => Shares.Reduce(p - l, ShareDomain.Ring64))]);
        return (left, right, product);
    }
}
