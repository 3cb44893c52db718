using System.Security.Cryptography.X509Certificates;
using Duet.Actors.Protocol;
using Duet.Actors.Transport;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>Certificates made once for the TLS tests: A, B, a stranger C, and an expired one.</summary>
public sealed class TlsCertificates : IDisposable
{
    public X509Certificate2 A { get; } = SelfSignedCertificate.Create("party-a", TimeSpan.FromDays(2));

    public X509Certificate2 B { get; } = SelfSignedCertificate.Create("party-b", TimeSpan.FromDays(2));

    public X509Certificate2 Stranger { get; } = SelfSignedCertificate.Create("stranger", TimeSpan.FromDays(2));

    public X509Certificate2 Expired { get; } = SelfSignedCertificate.CreateValidBetween(
        "expired", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        Stranger.Dispose();
        Expired.Dispose();
    }
}

public sealed class TlsLinkTests(RuntimeKeys keys, TlsCertificates certs) : IClassFixture<RuntimeKeys>, IClassFixture<TlsCertificates>
{
    private readonly Random random = new(12);

    [Theory]
    [InlineData(Reveal.None)]
    [InlineData(Reveal.Left)]
    [InlineData(Reveal.Right)]
    [InlineData(Reveal.Both)]
    public async Task PinnedPartiesComputeTheExactProduct(Reveal reveal)
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var a = RunA(port, left, reveal);
        var b = RunB(port, right, certs.B, Fingerprint(certs.A), reveal);
        var (ra, rb) = (await a, await b);
        var expected = Shares.Product(left, right).Data;
        Assert.Equal(expected, Shares.Reconstruct(ra.Share!, rb.Share!, ShareDomain.Ring64).Data);
        Assert.Equal(reveal.ReachesSide(OperandSide.Left), ra.Product is not null);
        Assert.Equal(reveal.ReachesSide(OperandSide.Right), rb.Product is not null);
        Assert.True(ra.Product is null || ra.Product.Data.SequenceEqual(expected));
        Assert.True(rb.Product is null || rb.Product.Data.SequenceEqual(expected));
    }

    [Fact]
    public async Task UnpinnedCallerIsRefusedAndTheListenerCompletesWithItsPeer()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var a = RunA(port, left);

        // The stranger pins A (it learned A's fingerprint) but A does not pin the stranger.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(6)))
        {
            var stranger = RunB(port, right, certs.Stranger, Fingerprint(certs.A), cancel: limit.Token);
            await Assert.ThrowsAnyAsync<Exception>(() => stranger);
        }

        Assert.False(a.IsCompleted);
        var b = await RunB(port, right, certs.B, Fingerprint(certs.A));
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task PlaintextCallerIsRefusedAndTheListenerCompletesWithItsPeer()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var a = RunA(port, left);
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(6)))
        {
            var plaintext = DuetParty.RunAsync(
                TwoParties.Settings(OperandSide.Right, keys.Right), right, new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}"), null, limit.Token);
            await Assert.ThrowsAnyAsync<Exception>(() => plaintext);
        }

        Assert.False(a.IsCompleted);
        var b = await RunB(port, right, certs.B, Fingerprint(certs.A));
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task TlsClientWithoutACertificateIsRefusedAndTheListenerCompletesWithItsPeer()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var a = RunA(port, left);
        await WaitForListener(port);

        // A TLS client that trusts anything but presents no certificate of its own.
        var refused = false;
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
            using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            try
            {
                // Nothing is sent: a listener that accepted the link would wait for an association and this read
                // would time out; one that requires a client certificate ends the link at once.
                // The listener says why (a refusal, header -1), then ends the link.
                await tls.AuthenticateAsClientAsync("party-a").WaitAsync(TimeSpan.FromSeconds(10));
                var said = new byte[4096];
                var length = 0;
                for (int read; (read = await tls.ReadAsync(said.AsMemory(length)).AsTask().WaitAsync(TimeSpan.FromSeconds(5))) > 0;)
                {
                    length += read;
                }

                refused = length == 0 || (BitConverter.ToInt32(said) == -1 && System.Text.Encoding.UTF8.GetString(said, 8, length - 8) == "it presented no certificate");
            }
            catch (Exception error) when (error is System.Security.Authentication.AuthenticationException or IOException)
            {
                refused = true;
            }
            catch (TimeoutException)
            {
                refused = false;
            }
        }

        Assert.True(refused, "the listener kept a TLS link with a client that presented no certificate");
        Assert.False(a.IsCompleted);
        var b = await RunB(port, right, certs.B, Fingerprint(certs.A));
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task CallerThatPinsAnotherFingerprintStopsWithTheFingerprintItSaw()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        using var stopA = new CancellationTokenSource();
        var a = RunA(port, left, cancel: stopA.Token);
        var error = await Assert.ThrowsAsync<LinkRefusedException>(() => RunB(port, right, certs.B, Fingerprint(certs.Stranger)));
        Assert.Contains(Fingerprint(certs.A), error.Message, StringComparison.Ordinal);
        Assert.Contains("not pinned", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{port}", error.Refusal.Remote, StringComparison.Ordinal);
        Assert.False(a.IsCompleted);
        await stopA.CancelAsync();
        Assert.Equal(AbortReason.Cancelled, (await Assert.ThrowsAsync<SessionAbortedException>(() => a)).Reason);
    }

    [Fact]
    public async Task ListenerThatDoesNotPinTheCallerSaysSoAndTheCallerStopsAtOnceKnowingWhy()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        using var stopA = new CancellationTokenSource();
        var tlsA = new PartyTls(certs.A, [Fingerprint(certs.Stranger)]);
        var refusedByA = new TaskCompletionSource<LinkRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = tlsA.OnIncomingRefused(TimeSpan.FromSeconds(10), (refusal, _) => refusedByA.TrySetResult(refusal));
        var a = DuetParty.RunAsync(TwoParties.Settings(OperandSide.Left, keys.Left), left, new PartyEndpoint("127.0.0.1", port) { Tls = tlsA }, null, stopA.Token);
        await WaitForListener(port);

        // Well below the session's 60 s timeout, which is all the caller could report before.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LinkRefusedException>(() => RunB(port, right, certs.B, Fingerprint(certs.A)).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the caller took {clock.Elapsed}");
        Assert.True(error.Refusal.ByPeer);
        Assert.Equal($"127.0.0.1:{port}", error.Refusal.Remote);
        Assert.StartsWith($"TLS: the peer at 127.0.0.1:{port} refused this party's certificate ({Fingerprint(certs.B)}; ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not pinned", error.Message, StringComparison.Ordinal);

        var refusal = await refusedByA.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(refusal.Outbound || refusal.ByPeer);
        Assert.Equal($"its certificate {Fingerprint(certs.B)} is not pinned", refusal.Reason);
        Assert.False(a.IsCompleted);
        await stopA.CancelAsync();
        Assert.Equal(AbortReason.Cancelled, (await Assert.ThrowsAsync<SessionAbortedException>(() => a)).Reason);
    }

    [Fact]
    public void IncomingRefusalsAreReportedFirstAtOnceThenAtMostOncePerPeriodWithACount()
    {
        var tls = new PartyTls(certs.A, [Fingerprint(certs.B)]);
        var lines = new List<(LinkRefusal Refusal, int LeftOut)>();
        using (tls.OnIncomingRefused(TimeSpan.FromHours(1), (refusal, leftOut) => lines.Add((refusal, leftOut))))
        {
            tls.Report(new LinkRefusal("192.0.2.1:1", "first"));
            tls.Report(new LinkRefusal("192.0.2.1:2", "second"));
            tls.Report(new LinkRefusal("192.0.2.1:3", "outbound") { Outbound = true });
        }

        tls.Report(new LinkRefusal("192.0.2.1:4", "after"));
        Assert.Equal("first", Assert.Single(lines).Refusal.Reason);
        Assert.Equal(0, lines[0].LeftOut);
    }

    [Fact]
    public async Task ExpiredCertificateIsRefusedAsExpired()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        using var stopA = new CancellationTokenSource();
        var a = DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left), left,
            new PartyEndpoint("127.0.0.1", port) { Tls = new PartyTls(certs.Expired, [Fingerprint(certs.B)]) }, null, stopA.Token);
        var error = await Assert.ThrowsAsync<LinkRefusedException>(() => RunB(port, right, certs.B, Fingerprint(certs.Expired)));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        await stopA.CancelAsync();
        await Assert.ThrowsAsync<SessionAbortedException>(() => a);
    }

    [Fact]
    public void RefusalNamesEachReason()
    {
        var tls = new PartyTls(certs.A, [Fingerprint(certs.B)]);
        var now = DateTimeOffset.UtcNow;
        Assert.Null(tls.Refusal(certs.B, now));
        Assert.Contains("not pinned", tls.Refusal(certs.Stranger, now), StringComparison.Ordinal);
        Assert.Contains("no certificate", tls.Refusal(null, now), StringComparison.Ordinal);
        Assert.Contains("not valid before", tls.Refusal(certs.B, now.AddDays(-1)), StringComparison.Ordinal);
        Assert.Contains("expired", tls.Refusal(certs.B, now.AddDays(3)), StringComparison.Ordinal);
    }

    [Fact]
    public void FingerprintIsSha256OfTheDerAndParsesAsUsersPasteIt()
    {
        var fingerprint = Fingerprint(certs.A);
        Assert.Matches("^sha256:[0-9a-f]{64}$", fingerprint);
        Assert.Equal(fingerprint, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certs.A.RawData)));
        var hex = fingerprint["sha256:".Length..].ToUpperInvariant();
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(2 * i, 2)));
        Assert.Equal(fingerprint, CertificateFingerprint.Parse(colons, "--pin"));
        Assert.Equal(fingerprint, CertificateFingerprint.Parse(hex, "--pin"));
        Assert.Throws<ArgumentException>(() => CertificateFingerprint.Parse(certs.A.Thumbprint, "--pin"));
        Assert.Throws<ArgumentException>(() => CertificateFingerprint.Parse("sha256:" + new string('g', 64), "--pin"));
    }

    [Fact]
    public async Task PlaintextOffLoopbackIsRefusedBeforeAnythingStarts()
    {
        var (left, _) = Operands();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left), left, new PartyEndpoint("127.0.0.1", 0, "192.0.2.1:25520")));
        Assert.Contains("192.0.2.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartyOutlivesHandshakesThatFailOnLinksItOpensAndStillComputes()
    {
        // Akka's own TLS transport stopped the whole actor system when a handshake it started failed: a node closing
        // mid-handshake (as one shutting down does), or one presenting a certificate that is not pinned.
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var tls = new PartyTls(certs.A, [Fingerprint(certs.B)]);
        var systems = PartySystems.Create(new PartyEndpoint("127.0.0.1", port) { Tls = tls }, null);
        var system = systems.Peer;
        try
        {
            using (var closing = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                closing.Start();
                var closer = Task.Run(async () =>
                {
                    // Reads the client's hello, then closes as a node that is shutting down does.
                    using var accepted = await closing.AcceptTcpClientAsync();
                    _ = await accepted.GetStream().ReadAsync(new byte[4096]);
                });
                system.ActorSelection($"akka.ssl.tcp://{PartyEndpoint.SystemName}@127.0.0.1:{((System.Net.IPEndPoint)closing.LocalEndpoint).Port}/user/x").Tell("hello");
                await closer.WaitAsync(TimeSpan.FromSeconds(20));
            }

            // The old transport's shutdown took a moment to begin.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(system.WhenTerminated.IsCompleted, "the party's actor system stopped after a link closed mid-handshake");

            using (var stranger = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                stranger.Start();
                var refused = new TaskCompletionSource<LinkRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
                tls.Refused += r => refused.TrySetResult(r);
                var server = Task.Run(async () =>
                {
                    using var accepted = await stranger.AcceptTcpClientAsync();
                    using var link = new System.Net.Security.SslStream(accepted.GetStream());
                    await Assert.ThrowsAnyAsync<Exception>(() => link.AuthenticateAsServerAsync(certs.Stranger, clientCertificateRequired: true, checkCertificateRevocation: false));
                });
                var strangerPort = ((System.Net.IPEndPoint)stranger.LocalEndpoint).Port;
                system.ActorSelection($"akka.ssl.tcp://{PartyEndpoint.SystemName}@127.0.0.1:{strangerPort}/user/x").Tell("hello");
                var refusal = await refused.Task.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.True(refusal.Outbound);
                Assert.Equal($"127.0.0.1:{strangerPort}", refusal.Remote);
                Assert.Contains($"its certificate {Fingerprint(certs.Stranger)} is not pinned", refusal.Reason, StringComparison.Ordinal);
                await server.WaitAsync(TimeSpan.FromSeconds(20));
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(system.WhenTerminated.IsCompleted, "the party's actor system stopped after refusing a certificate");
            var a = DuetParty.RunOn(systems, TwoParties.Settings(OperandSide.Left, keys.Left), new MatrixRows(left), null, null, CancellationToken.None, tls);
            var b = await RunB(port, right, certs.B, Fingerprint(certs.A));
            Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
        }
        finally
        {
            await systems.ShutdownAsync();
        }
    }

    [Fact]
    public async Task AnIncomingCertificateNamingWhereItsIssuerLivesIsRefusedWithoutFetchingAnything()
    {
        // .NET builds a peer's chain before the pin check and, by default, downloads a missing issuer from the address
        // the certificate names (AIA): any client could make a party fetch a URL of its choosing and hold a thread.
        using var fetches = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        fetches.Start();
        var fetched = fetches.AcceptTcpClientAsync();
        using var caKey = System.Security.Cryptography.ECDsa.Create();
        var caRequest = new CertificateRequest("CN=unknown-ca", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        using var leafKey = System.Security.Cryptography.ECDsa.Create();
        var leafRequest = new CertificateRequest("CN=client", leafKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [$"http://127.0.0.1:{((System.Net.IPEndPoint)fetches.LocalEndpoint).Port}/ca.crt"]));
        using var issued = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(5), [1, 2, 3, 4]);
        using var leaf = issued.CopyWithPrivateKey(leafKey);

        var (left, _) = Operands();
        var port = TwoParties.FreePort();
        using var stopA = new CancellationTokenSource();
        var a = RunA(port, left, cancel: stopA.Token);
        await WaitForListener(port);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
            using var link = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await link.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
                {
                    TargetHost = "party-a",
                    ClientCertificateContext = System.Net.Security.SslStreamCertificateContext.Create(leaf, [], offline: true),
                });
                Assert.Equal(0, await link.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
                throw new IOException("the listener closed the link");
            });
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the refusal took {clock.Elapsed}");
        Assert.False(await Task.WhenAny(fetched, Task.Delay(TimeSpan.FromSeconds(1))) == fetched, "the listener fetched the address in the client's certificate");
        Assert.False(a.IsCompleted);
        await stopA.CancelAsync();
        await Assert.ThrowsAsync<SessionAbortedException>(() => a);
    }

    [Fact]
    public async Task HandshakesThatNeverFinishHoldOnlyTheirOwnAddressesShareOfTheListener()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();
        var a = RunA(port, left);
        await WaitForListener(port);
        var stalled = new List<System.Net.Sockets.Socket>();
        try
        {
            // Eight handshakes from one address may be in progress (each sent a byte, so the first-byte deadline does
            // not end them); a ninth connection is closed at once.
            for (var i = 0; i < 8; i++)
            {
                stalled.Add(await StalledHandshake(System.Net.IPAddress.Loopback, port));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300));
            using var ninth = await StalledHandshake(System.Net.IPAddress.Loopback, port);
            Assert.True(await ClosedWithin(ninth, TimeSpan.FromSeconds(5)), "a ninth handshake from one address was let in");
        }
        finally
        {
            stalled.ForEach(c => c.Dispose());
        }

        // Their handshakes end with their connections, and the listener takes its peer.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var b = await RunB(port, right, certs.B, Fingerprint(certs.A));
        Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingIsClosedAtTheFirstByteDeadlineLongBeforeTheHandshakeTimeout()
    {
        var (left, _) = Operands();
        var port = TwoParties.FreePort();
        using var stopA = new CancellationTokenSource();
        var a = RunA(port, left, cancel: stopA.Token);
        await WaitForListener(port);
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await silent.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // duet.tls.first-byte-timeout is 2 s by default, akka.remote.dot-netty.tcp.connection-timeout 15 s.
        Assert.True(await ClosedWithin(silent, TimeSpan.FromSeconds(10)), "a silent connection was kept for 10 s");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        Assert.False(a.IsCompleted);
        await stopA.CancelAsync();
        await Assert.ThrowsAsync<SessionAbortedException>(() => a);
    }

    [Fact]
    public async Task AnExpectedPeerCompletesItsSessionWhileStrangersHoldEveryOtherHandshakeSlot()
    {
        var (left, right) = Operands();
        var port = TwoParties.FreePort();

        // Strangers' handshakes could hold their slots for a minute: the peer must not have to wait for them.
        var a = RunA(port, left, extra: Akka.Configuration.ConfigurationFactory.ParseString("""
            duet.tls.expected-addresses = ["127.0.0.1"]
            akka.remote.dot-netty.tcp.connection-timeout = 60s
            """));
        await WaitForListener(port);
        var strangers = new List<System.Net.Sockets.Socket>();
        try
        {
            // 32 other loopback addresses, 8 stalled handshakes each: every shared slot (HandshakeSlots.Shared).
            for (var i = 0; i < HandshakeSlots.Shared; i++)
            {
                strangers.Add(await StalledHandshake(System.Net.IPAddress.Parse($"127.0.0.{2 + (i / HandshakeSlots.PerSource)}"), port));
            }

            using (var late = await StalledHandshake(System.Net.IPAddress.Parse("127.0.0.250"), port))
            {
                Assert.True(await ClosedWithin(late, TimeSpan.FromSeconds(10)), "the strangers do not hold every shared slot");
            }

            var b = await RunB(port, right, certs.B, Fingerprint(certs.A)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(Shares.Product(left, right).Data, Shares.Reconstruct((await a).Share!, b.Share!, ShareDomain.Ring64).Data);
        }
        finally
        {
            strangers.ForEach(s => s.Dispose());
        }
    }

    /// <summary>A connection from <paramref name="from"/> that sends the first byte of a TLS record and no more.</summary>
    private static async Task<System.Net.Sockets.Socket> StalledHandshake(System.Net.IPAddress from, int port)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            socket.Bind(new System.Net.IPEndPoint(from, 0));
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
            await socket.SendAsync(new byte[] { 0x16 });
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when the listener closes the connection within the time.</summary>
    private static async Task<bool> ClosedWithin(System.Net.Sockets.Socket socket, TimeSpan time)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16]).WaitAsync(time) == 0;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Fingerprint(X509Certificate2 certificate) => CertificateFingerprint.Of(certificate);

    private static async Task WaitForListener(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }
    }

    private (Matrix<long> Left, Matrix<long> Right) Operands() =>
        (TwoParties.Random(random, 12, 4, 16), TwoParties.Random(random, 4, 3, 16));

    private Task<PartyResult> RunA(int port, Matrix<long> left, Reveal reveal = Reveal.None, CancellationToken cancel = default, Akka.Configuration.Config? extra = null) =>
        DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Left, keys.Left) with { Reveal = reveal }, left,
            new PartyEndpoint("127.0.0.1", port) { Tls = new PartyTls(certs.A, [Fingerprint(certs.B)]) }, null, cancel, extra);

    private Task<PartyResult> RunB(int port, Matrix<long> right, X509Certificate2 own, string pin, Reveal reveal = Reveal.None, CancellationToken cancel = default) =>
        DuetParty.RunAsync(
            TwoParties.Settings(OperandSide.Right, keys.Right) with { Reveal = reveal }, right,
            new PartyEndpoint("127.0.0.1", 0, $"127.0.0.1:{port}") { Tls = new PartyTls(own, [pin]) }, null, cancel);
}
