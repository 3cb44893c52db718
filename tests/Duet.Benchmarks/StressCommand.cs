using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Duet.Actors.Tiles;
using Duet.Actors.Transport;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;
using Duet.Crypto.Schemes;
using Google.Protobuf;

namespace Duet.Benchmarks;

/// <summary>
/// `stress`: disposal racing the work, for a given time, on the paths that hold native memory. Arithmetic: residues and
/// Montgomery contexts disposed by another thread while products run. Tiles: tile contexts retired while workers compute
/// under leases, a table build runs and remote results are checked. Links: TLS links ended, disassociated or closed while
/// both sides write. Exits 1 on any failure; a native fault kills the process (non-zero exit).
/// </summary>
internal static class StressCommand
{
    public static readonly string[] ValueOptions = ["seconds", "key-bits", "part"];

    private static readonly string[] Parts = ["arithmetic", "tiles", "links"];

    public static int Run(CommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var seconds = options.Double("seconds", 60, 1);
        var keyBits = options.Int("key-bits", 1024, 1024);
        var part = options.String("part") ?? "all";
        var parts = part == "all" ? Parts : Parts.Contains(part) ? [part] : throw new UsageException($"stress: --part is all, {string.Join(", ", Parts)}; got '{part}'.");
        var each = TimeSpan.FromSeconds(seconds / parts.Length);
        var failures = new ConcurrentQueue<string>();
        foreach (var name in parts)
        {
            var clock = Stopwatch.StartNew();
            var summary = name switch
            {
                "arithmetic" => Arithmetic(each, failures),
                "tiles" => Tiles(each, keyBits, failures),
                _ => Links(each, failures),
            };
            Console.WriteLine($"stress {name}: {summary} in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        foreach (var failure in failures.Take(20))
        {
            Console.Error.WriteLine($"FAILED: {failure}");
        }

        Console.WriteLine(failures.IsEmpty ? "stress: no failure" : $"stress: {failures.Count} failures");
        return failures.IsEmpty ? 0 : 1;
    }

    /// <summary>Rounds of products on one thread while another disposes the destination or the whole context.</summary>
    private static string Arithmetic(TimeSpan duration, ConcurrentQueue<string> failures)
    {
        var modulus = (BigInteger.One << 2047) + 24691;
        var (rounds, finished, refused) = (0, 0, 0);
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < duration; rounds++)
        {
            var disposeContext = rounds % 2 == 1;
            var context = new NativeMontgomeryContext(modulus);
            var a = context.NewResidue();
            var destination = context.NewResidue();
            context.Load(3, a);
            var factor = context.Pin(a);
            using var started = new ManualResetEventSlim();
            var products = Task.Run(() =>
            {
                started.Set();
                try
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        context.Multiply(a, a, destination);
                        context.MultiplyBy(destination, factor);
                    }

                    return true;
                }
                catch (ObjectDisposedException)
                {
                    return false;
                }
            });
            started.Wait();
            Thread.SpinWait(Random.Shared.Next(5_000));
            (disposeContext ? (IDisposable)context : destination).Dispose();
            try
            {
                _ = products.GetAwaiter().GetResult() ? finished++ : refused++;
            }
            catch (Exception error)
            {
                failures.Enqueue($"arithmetic round {rounds}: {error.GetType().Name}: {error.Message}");
            }

            destination.Dispose();
            a.Dispose();
            context.Dispose();
        }

        return $"{rounds} rounds ({finished} ran to the end, {refused} refused with ObjectDisposedException)";
    }

    /// <summary>Rounds of one session's tile context: its kits built under a lease, two workers and a remote-result
    /// check computing under leases, and the context retired at a random moment from this thread.</summary>
    private static string Tiles(TimeSpan duration, int keyBits, ConcurrentQueue<string> failures)
    {
        using var key = PaillierKeyGenerator.Generate(keyBits, allowTestSizes: true);
        var random = new Random(5);
        var x = RandomMatrix(random, 8, 4);
        var y = RandomMatrix(random, 4, 3);
        var plan = PackingPlan.Create(8, 4, 3, 16, 16, key.PublicKey.Bits);
        var seed = RandomNumberGenerator.GetBytes(EncryptionSeed.Bytes);

        // The operand's ciphertexts and one evaluated result, made once, outside any round.
        var (encrypted, evaluated) = Reference(plan, key, x, y, seed);
        var (first, count) = plan.TileResults(0);
        var decrypt = new DecryptTile(Guid.Empty, 0, 1, first, count, evaluated.Ciphertexts);
        var (rounds, tiles, checks, retiredDuringBuild) = (0, 0L, 0L, 0);
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < duration; rounds++)
        {
            var context = new TileContext(Guid.NewGuid(), SessionCapability.New());
            context.TryAcquire();
            var build = Task.Run(() =>
            {
                try
                {
                    return BuildKits(context, key, plan, y, seed, encrypted);
                }
                finally
                {
                    context.Release();
                }
            });
            var workers = new[]
            {
                Task.Run(() => Work(context, kits => Problem(TileComputation.Compute(kits.Evaluator, Band(x, plan, Random.Shared.Next(plan.Tiles)))), ref tiles, failures)),
                Task.Run(() => Work(context, kits => Problem(TileComputation.Compute(kits.Encryptor, decrypt)), ref tiles, failures)),
                Task.Run(() => Work(context, kits => TileResultCheck.Problem(kits.Evaluator, evaluated), ref checks, failures)),
            };
            Thread.Sleep(random.Next(0, 60));
            retiredDuringBuild += build.IsCompleted ? 0 : 1;
            context.Retire();
            try
            {
                Task.WaitAll([build, .. workers]);
            }
            catch (AggregateException error)
            {
                failures.Enqueue($"tiles round {rounds}: {error.InnerException?.GetType().Name}: {error.InnerException?.Message}");
            }

            if (!context.IsDisposed)
            {
                failures.Enqueue($"tiles round {rounds}: the context was not disposed after its last lease");
            }
        }

        return $"{rounds} rounds ({retiredDuringBuild} retired during the table build), {tiles} tiles and {checks} remote checks under leases";
    }

    private sealed record Kits(EncryptorKit Encryptor, EvaluatorKit Evaluator) : TileKit(Fault: null)
    {
        public override IProductPlan Plan => Encryptor.Plan;
    }

    /// <summary>What a session and a worker node own: the key loaded from its export, the peer's key, operand and tables.</summary>
    private static Kits BuildKits(TileContext context, PaillierPrivateKey original, PackingPlan plan, Matrix<long> y, byte[] seed, byte[] encrypted)
    {
        var scheme = MatrixSchemes.Of(Scheme.Paillier);
        var secret = System.Text.Encoding.UTF8.GetBytes(original.ToJson());
        var encryptor = scheme.CreateEncryptor(plan, y, new EncryptorKeying(seed, secret, null, KeyForm.Standard, original.PublicKey.Bits));
        context.Own(encryptor);
        var evaluator = scheme.CreateEvaluator(plan, original.PublicKey.ToBytes(), new EvaluatorPolicy(original.PublicKey.Bits, false, null));
        context.Own(evaluator);
        evaluator.Absorb(0, plan.EncryptedCount, encrypted);
        evaluator.Prepare(EvaluationBases.DefaultMemoryBudget, 1);
        var kits = new Kits(new EncryptorKit(encryptor, null), new EvaluatorKit(evaluator, Crypto.RandomStream.NewSeed(), null));
        context.Attach(kits);
        return kits;
    }

    private static string? Problem(TileResult result) => result is TileFailed failed ? failed.Detail : null;

    /// <summary>A worker: computes under a lease until the context refuses one; any problem is a failure.</summary>
    private static void Work(TileContext context, Func<Kits, string?> compute, ref long count, ConcurrentQueue<string> failures)
    {
        while (context.TryAcquire())
        {
            try
            {
                if (context.Kit is not Kits kits)
                {
                    continue;
                }

                if (compute(kits) is { } problem)
                {
                    failures.Enqueue($"work under a lease failed: {problem}");
                }

                Interlocked.Increment(ref count);
            }
            finally
            {
                context.Release();
            }
        }
    }

    private static (byte[] Encrypted, EvaluateResult Evaluated) Reference(PackingPlan plan, PaillierPrivateKey key, Matrix<long> x, Matrix<long> y, byte[] seed)
    {
        var context = new TileContext(Guid.NewGuid(), SessionCapability.New());
        var encryptor = new EncryptorKit(MatrixSchemes.Of(Scheme.Paillier).CreateEncryptor(plan, y, new EncryptorKeying(seed, null, key, KeyForm.Standard, key.PublicKey.Bits)), null);
        var encrypted = new byte[plan.EncryptedCount * key.PublicKey.CiphertextBytes];
        for (var block = 0; block < plan.EncryptBlocks; block++)
        {
            var (first, count) = plan.EncryptBlock(block);
            var result = (EncryptResult)TileComputation.Compute(encryptor, new EncryptTile(Guid.Empty, block, 1, first, count));
            result.Ciphertexts.CopyTo(encrypted, first * key.PublicKey.CiphertextBytes);
        }

        var kits = BuildKits(context, key, plan, y, seed, encrypted);
        var evaluated = (EvaluateResult)TileComputation.Compute(kits.Evaluator, Band(x, plan, 0));
        context.Retire();
        return (encrypted, evaluated);
    }

    private static EvaluateTile Band(Matrix<long> x, PackingPlan plan, int tile)
    {
        var band = plan.Band(tile);
        return new EvaluateTile(Guid.Empty, tile, 1, x.Columns, x.Data[(band.FirstRow * x.Columns)..((band.FirstRow + band.Rows) * x.Columns)]);
    }

    private static Matrix<long> RandomMatrix(Random random, int rows, int columns) =>
        new(rows, columns, Enumerable.Range(0, rows * columns).Select(_ => random.NextInt64(-30_000, 30_000)).ToArray());

    /// <summary>Rounds of one TLS link over loopback: both ends write from two threads while the link is ended,
    /// disassociated or closed from another; each end's reader must report the end exactly once.</summary>
    private static string Links(TimeSpan duration, ConcurrentQueue<string> failures)
    {
        using var certificate = SelfSignedCertificate.Create("stress", TimeSpan.FromDays(1));
        var (rounds, payloads) = (0, 0L);
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < duration; rounds++)
        {
            try
            {
                payloads += LinkRound(certificate, rounds, failures);
            }
            catch (Exception error)
            {
                failures.Enqueue($"links round {rounds}: {error.GetType().Name}: {error.Message}");
            }
        }

        return $"{rounds} rounds, {payloads} payloads read before the links ended";
    }

    private static long LinkRound(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, int round, ConcurrentQueue<string> failures)
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var accepting = server.AcceptSocketAsync();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(IPAddress.Loopback, port);
        var accepted = accepting.GetAwaiter().GetResult();
        var serverStream = new SslStream(new NetworkStream(accepted, ownsSocket: true));
        var clientStream = new SslStream(new NetworkStream(client, ownsSocket: true), false, (_, _, _, _) => true);
        Task.WaitAll(
            serverStream.AuthenticateAsServerAsync(certificate, clientCertificateRequired: false, checkCertificateRevocation: false),
            clientStream.AuthenticateAsClientAsync("stress"));
        var address = new Address("akka.ssl.tcp", "duet", "127.0.0.1", port);
        var ends = new[] { new LinkEnd(serverStream, address), new LinkEnd(clientStream, address) };
        var writers = ends.SelectMany(end => new[] { Task.Run(end.WriteUntilEnded), Task.Run(end.WriteUntilEnded) }).ToArray();
        Thread.Sleep(Random.Shared.Next(0, 20));
        var victim = ends[round % 2].Link;
        switch (round % 3)
        {
            case 0:
                victim.End();
                break;
#pragma warning disable CS0618 // Akka.Remote's own call, as it makes it
            case 1:
                victim.Disassociate();
                break;
#pragma warning restore CS0618
            default:
                victim.CloseAsync().GetAwaiter().GetResult();
                break;
        }

        // The other end hears of it from its reader, then both stop writing.
        foreach (var end in ends)
        {
            if (!end.Ended.Wait(TimeSpan.FromSeconds(10)))
            {
                failures.Enqueue($"links round {round}: an end never heard that the link ended");
            }

            end.Link.End();
        }

        Task.WaitAll(writers);
        foreach (var end in ends.Where(e => e.Disassociations != 1))
        {
            failures.Enqueue($"links round {round}: Akka heard of the end {end.Disassociations} times");
        }

        return ends.Sum(e => e.Payloads);
    }

    /// <summary>One end of a link with Akka's side played by a counting listener.</summary>
    private sealed class LinkEnd : IHandleEventListener
    {
        private readonly ManualResetEventSlim ended = new();
        private int disassociations;
        private long payloads;

        public LinkEnd(SslStream stream, Address address)
        {
            Link = new TlsAssociation(stream, address, address, 128_000, TimeSpan.FromSeconds(5), NoLogger.Instance, _ => { });
            Link.ReadHandlerSource.SetResult(this);
            Link.Start();
        }

        public TlsAssociation Link { get; }

        public ManualResetEventSlim Ended => ended;

        public int Disassociations => Volatile.Read(ref disassociations);

        public long Payloads => Interlocked.Read(ref payloads);

        public void Notify(IHandleEvent ev)
        {
            if (ev is Disassociated)
            {
                Interlocked.Increment(ref disassociations);
                ended.Set();
            }
            else
            {
                Interlocked.Increment(ref payloads);
            }
        }

        // At most 2 000 payloads of up to 4 KiB: the link's queue is unbounded, as Akka's credit windows bound it.
        public void WriteUntilEnded()
        {
            var payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 4096)));
            for (var i = 0; i < 2000 && Link.Write(payload); i++)
            {
                if (i % 20 == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }
    }
}
