using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Akka.Remote;
using Akka.Routing;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>
/// One session of the protocol, either role, either operand side: Handshake → Keys → Streaming → Finishing →
/// Done | Aborted. CPU work goes to the tile workers; the session only routes, validates and counts, and never has
/// more than the flow window of blocks outstanding in either direction.
/// </summary>
internal sealed partial class Session : ReceiveActor, IWithTimers
{
    private const int MaxAttempts = 3;
    private const int RevealBytesPerValue = 20;

    private readonly SessionJob job;
    private readonly PartySettings settings;
    private readonly Guid sessionId;
    private readonly string? peerGatewayPath;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Hello mine;
    private readonly int protocolVersion;
    private readonly int blockBytes;

    private IActorRef peer = ActorRefs.Nobody;
    private IActorRef workers = ActorRefs.Nobody;
    private Agreement? agreement;
    private PackingPlan plan = null!;
    private Matrix<long> operand = null!;
    private Matrix<BigInteger> share = null!;
    private PaillierPrivateKey? privateKey;
    private PaillierPublicKey publicKey = null!;
    private readonly Dictionary<(string Kind, int Index), Func<int, Func<object>>> retryable = [];

    // Flow control, both directions: what the peer granted us and what we granted it.
    private int grantedByPeer;
    private int grantedToPeer;
    private int blocksSent;
    private int nextBlock;
    private int maxInFlight;
    private int tilesRetried;

    // What we sent and received, for Done and duplicates: one SHA-256 per block, in block order.
    private byte[]?[] sentDigests = [];
    private byte[]?[] receivedDigests = [];
    private int blocksProcessed;
    private long ciphertextsSent;
    private long ciphertextsReceived;
    private long bytesSent;
    private long bytesReceived;

    // Evaluator only.
    private Residue[]? operands;
    private EvaluationBases? bases;
    private Evaluator? evaluator;

    // Finishing.
    private Matrix<BigInteger>? finalShare;
    private Matrix<BigInteger>? peerShare;
    private bool[] revealRows = [];
    private int revealRowsReceived;
    private bool streamingComplete;
    private bool doneSent;
    private Done? peerDone;
    private TimeSpan handshakeAt;
    private TimeSpan keysAt;
    private TimeSpan streamingAt;
    private bool finished;

    public Session(SessionJob job, Guid sessionId, string? peerGatewayPath)
    {
        this.job = job;
        settings = job.Settings;
        this.sessionId = sessionId;
        this.peerGatewayPath = peerGatewayPath;
        var config = Context.System.Settings.Config;
        protocolVersion = config.GetInt("duet.protocol-version", 1);
        blockBytes = config.GetInt("duet.flow.block-bytes", 262144);
        mine = new Hello(
            sessionId,
            protocolVersion,
            settings.Side,
            job.Matrix.Rows,
            job.Matrix.Columns,
            settings.InputBits,
            settings.FractionBits,
            settings.Domain,
            settings.Reveal,
            settings.Key?.PublicKey.Bits ?? settings.KeyBits,
            settings.Sigma,
            settings.Role,
            settings.Name);
        Become(Handshaking);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SessionJob job, Guid sessionId, string? peerGatewayPath) =>
        Akka.Actor.Props.Create(() => new Session(job, sessionId, peerGatewayPath));

    protected override void PreStart()
    {
        Context.SetReceiveTimeout(settings.Timeout);
        var count = settings.EffectiveWorkers;
        workers = Context.ActorOf(
            Akka.Actor.Props.Create<TileWorker>()
                .WithDispatcher("duet.worker-dispatcher")
                .WithRouter(new SmallestMailboxPool(count).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart))),
            "workers");
        if (peerGatewayPath is not null)
        {
            CallPeer();
            Timers.StartPeriodicTimer("hello", CallAgain.Instance, TimeSpan.FromSeconds(1));
        }
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        bases?.Dispose();
        if (operands is not null && bases is null)
        {
            foreach (var r in operands)
            {
                r.Dispose();
            }
        }

        if (!finished)
        {
            job.Completion.TrySetException(new SessionAbortedException(AbortReason.Internal, "the session stopped before it finished", raisedByPeer: false));
        }
    }

    // A handler that throws is a bug: end the session on both sides with reason Internal instead of crashing.
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception error) when (!finished)
        {
            Abort(AbortReason.Internal, $"{error.GetType().Name} while handling {message.GetType().Name}: {error.Message}");
            return true;
        }
    }

    // ---- Handshake -------------------------------------------------------------------------------------------

    private void Handshaking()
    {
        Receive<CallAgain>(_ => CallPeer());
        Receive<Hello>(OnHello);
        Common();
    }

    private void CallPeer() => Context.ActorSelection(peerGatewayPath).Tell(mine);

    private void OnHello(Hello theirs)
    {
        if (!Accept(theirs))
        {
            return;
        }

        Timers.Cancel("hello");
        if (!peer.Equals(ActorRefs.Nobody))
        {
            return;
        }

        peer = Sender;

        // Remote DeathWatch is off in untrusted mode: a lost peer shows as the end of the association with its address.
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        if (peerGatewayPath is null)
        {
            peer.Tell(mine);
        }

        try
        {
            agreement = Handshake.Agree(mine, theirs, protocolVersion);
        }
        catch (HandshakeException error)
        {
            Abort(error.Reason, error.Message);
            return;
        }

        plan = agreement.Plan;
        operand = agreement.Transposed ? job.Matrix.Transpose() : job.Matrix;
        share = new Matrix<BigInteger>(plan.Rows, plan.Columns);
        handshakeAt = clock.Elapsed;
        log.Info("session {0}: {1} encrypts; plan {2}", sessionId, agreement.Encryptor, plan);
        Become(Keying);
        if (!IsEncryptor)
        {
            return;
        }

        if (settings.Key is not null)
        {
            Self.Tell(new KeyReady(settings.Key));
        }
        else
        {
            var bits = mine.KeyBits;
            Task.Run(() => new KeyReady(KeyGenerator.Generate(bits))).PipeTo(Self, failure: e => new WorkFailed("keygen", 0, MaxAttempts, e));
        }
    }

    private bool IsEncryptor => agreement!.Encryptor == settings.Side;

    // ---- Keys ------------------------------------------------------------------------------------------------

    private void Keying()
    {
        Receive<Hello>(h => { _ = Accept(h); });
        Receive<KeyReady>(ready =>
        {
            privateKey = ready.Key;
            publicKey = ready.Key.PublicKey;
            if (publicKey.Bits != plan.KeyBits)
            {
                Abort(AbortReason.Incompatible, $"the key has {publicKey.Bits} bits, the handshake announced {plan.KeyBits}");
                return;
            }

            var n = publicKey.N.ToByteArray(isUnsigned: true, isBigEndian: true);
            var hs = publicKey.Hs.ToByteArray(isUnsigned: true, isBigEndian: true);
            SendToPeer(new PublicKeyMessage(sessionId, n, hs), n.Length + hs.Length);
            StartStreaming(plan.EncryptBlocks, plan.Tiles);
        });
        Receive<PublicKeyMessage>(key =>
        {
            if (IsEncryptor || Sender.Path != peer.Path)
            {
                Abort(AbortReason.UnexpectedMessage, "a public key arrived from the evaluator's side");
                return;
            }

            bytesReceived += key.N.Length + key.Hs.Length;
            try
            {
                publicKey = PaillierPublicKey.Create(
                    new BigInteger(key.N, isUnsigned: true, isBigEndian: true),
                    new BigInteger(key.Hs, isUnsigned: true, isBigEndian: true),
                    settings.MinKeyBits);
            }
            catch (InvalidKeyException error)
            {
                Abort(AbortReason.InvalidKey, $"the peer's public key failed the {error.Check} check: {error.Message}");
                return;
            }

            if (publicKey.Bits != plan.KeyBits)
            {
                Abort(AbortReason.PlanMismatch, $"the peer's key has {publicKey.Bits} bits, its hello announced {plan.KeyBits}");
                return;
            }

            operands = new Residue[plan.EncryptedCount];
            for (var i = 0; i < operands.Length; i++)
            {
                operands[i] = publicKey.Context.NewResidue();
            }

            evaluator = new Evaluator(publicKey);
            StartStreaming(plan.Tiles, plan.EncryptBlocks);
        });
        Receive<WorkFailed>(failed => Abort(AbortReason.Internal, $"key generation failed: {failed.Error.Message}"));
        Common();
    }

    private void StartStreaming(int blocksToSend, int blocksToReceive)
    {
        keysAt = clock.Elapsed;
        sentDigests = new byte[blocksToSend][];
        receivedDigests = new byte[blocksToReceive][];
        Become(Streaming);
        Grant();
    }

    // ---- Streaming -------------------------------------------------------------------------------------------

    private void Streaming()
    {
        Receive<Hello>(h => { _ = Accept(h); });
        Receive<Credit>(credit =>
        {
            if (credit.Granted < grantedByPeer)
            {
                Abort(AbortReason.UnexpectedMessage, $"credit went back from {grantedByPeer} to {credit.Granted}");
                return;
            }

            grantedByPeer = credit.Granted;
            Dispatch();
        });
        Receive<EncryptedBlock>(OnEncryptedBlock);
        Receive<ResultBlock>(OnResultBlock);
        Receive<BasesReady>(ready =>
        {
            bases = ready.Bases;
            job.Progress?.Report(new PartyProgress("evaluate", 0, plan.Tiles));
            Dispatch();
        });
        Receive<WorkDone>(OnWorkDone);
        Receive<WorkFailed>(OnWorkFailed);
        Receive<RevealedShare>(OnRevealedShare);
        Receive<Done>(OnPeerDone);
        Common();
    }

    /// <summary>Hands out blocks (encryptor) or tiles (evaluator) that the peer's credit allows.</summary>
    private void Dispatch()
    {
        if (IsEncryptor)
        {
            while (nextBlock < Math.Min(grantedByPeer, plan.EncryptBlocks))
            {
                var block = nextBlock++;
                var encryptor = new Encryptor(privateKey!);
                var y = operand;
                var p = plan;
                Submit("encrypt", block, () =>
                {
                    var (first, count) = p.EncryptBlock(block);
                    var bytes = new byte[count * encryptor.Key.CiphertextBytes];
                    EncryptKernel.EncryptBlock(p, y, encryptor, first, count, bytes);
                    return bytes;
                });
            }
        }
        else if (bases is not null)
        {
            while (nextBlock < Math.Min(grantedByPeer, plan.Tiles))
            {
                var tile = nextBlock++;
                var b = bases;
                var e = evaluator!;
                var x = operand;
                var s = share;
                Submit("evaluate", tile, () =>
                {
                    var (_, count) = b.Plan.TileResults(tile);
                    var bytes = new byte[count * b.Key.CiphertextBytes];
                    EvaluateKernel.EvaluateTile(b, e, x, tile, bytes, s);
                    return bytes;
                });
            }
        }
    }

    private void Submit(string kind, int index, Func<object> work)
    {
        Func<int, Func<object>> attempt = n => () =>
        {
            if (settings.FaultInjection?.Invoke(kind, index, n) == true)
            {
                throw new InvalidOperationException($"injected fault in {kind} {index}, attempt {n}");
            }

            return work();
        };
        retryable[(kind, index)] = attempt;
        workers.Tell(new WorkItem(kind, index, 1, attempt(1)));
    }

    private void OnWorkFailed(WorkFailed failed)
    {
        if (failed.Error is ValidationException invalid)
        {
            Abort(AbortReason.InvalidCiphertext, $"{failed.Kind} {failed.Index}: the {invalid.Check} check failed: {invalid.Message}");
            return;
        }

        if (failed.Attempt >= MaxAttempts || !retryable.TryGetValue((failed.Kind, failed.Index), out var attempt))
        {
            Abort(AbortReason.WorkerFailure, $"{failed.Kind} {failed.Index} failed {failed.Attempt} times: {failed.Error.Message}");
            return;
        }

        tilesRetried++;
        log.Warning("session {0}: {1} {2} failed ({3}); computing it again", sessionId, failed.Kind, failed.Index, failed.Error.Message);
        workers.Tell(new WorkItem(failed.Kind, failed.Index, failed.Attempt + 1, attempt(failed.Attempt + 1)));
    }

    private void OnWorkDone(WorkDone done)
    {
        if (!retryable.Remove((done.Kind, done.Index)))
        {
            return;
        }

        switch (done.Kind)
        {
            case "encrypt":
                {
                    var bytes = (byte[])done.Result;
                    var (first, count) = plan.EncryptBlock(done.Index);
                    SendBlock(done.Index, bytes, new EncryptedBlock(sessionId, done.Index, first, count, publicKey.CiphertextBytes, bytes), count);
                    job.Progress?.Report(new PartyProgress("encrypt", blocksSent, plan.EncryptBlocks));
                    break;
                }

            case "evaluate":
                {
                    var bytes = (byte[])done.Result;
                    var (first, count) = plan.TileResults(done.Index);
                    SendBlock(done.Index, bytes, new ResultBlock(sessionId, done.Index, first, count, publicKey.CiphertextBytes, bytes), count);
                    job.Progress?.Report(new PartyProgress("evaluate", blocksSent, plan.Tiles));
                    if (blocksSent == plan.Tiles)
                    {
                        CompleteStreaming();
                    }

                    break;
                }

            case "decrypt":
                blocksProcessed++;
                Grant();
                job.Progress?.Report(new PartyProgress("decrypt", blocksProcessed, plan.Tiles));
                if (blocksProcessed == plan.Tiles)
                {
                    CompleteStreaming();
                }

                break;
        }
    }

    private void SendBlock(int index, byte[] bytes, IProtocolMessage message, int count)
    {
        settings.TamperOutgoing?.Invoke(index, bytes);
        sentDigests[index] = SHA256.HashData(bytes);
        blocksSent++;
        ciphertextsSent += count;
        var acknowledged = Math.Max(0, grantedByPeer - settings.Window);
        maxInFlight = Math.Max(maxInFlight, blocksSent - acknowledged);
        SendToPeer(message, bytes.Length);
    }

    private void OnEncryptedBlock(EncryptedBlock block)
    {
        if (IsEncryptor)
        {
            Abort(AbortReason.UnexpectedMessage, "the evaluator sent an encrypted operand block");
            return;
        }

        if (!CheckBlock(block, plan.EncryptBlocks, plan.EncryptBlock))
        {
            return;
        }

        try
        {
            publicKey.ReadCiphertexts(block.Ciphertexts, new ArraySegment<Residue>(operands!, block.FirstIndex, block.Count));
        }
        catch (InvalidCiphertextException error)
        {
            Abort(AbortReason.InvalidCiphertext, $"encrypted block {block.BlockIndex}: the {error.Check} check failed: {error.Message}");
            return;
        }

        blocksProcessed++;
        Grant();
        job.Progress?.Report(new PartyProgress("receive", blocksProcessed, plan.EncryptBlocks));
        if (blocksProcessed == plan.EncryptBlocks)
        {
            var p = plan;
            var key = publicKey;
            var received = operands!;
            var budget = settings.TableMemoryBytes;
            var parallelism = settings.EffectiveWorkers;
            Task.Run(() => new BasesReady(EvaluationBases.Build(p, key, received, budget, parallelism)))
                .PipeTo(Self, failure: e => new WorkFailed("bases", 0, MaxAttempts, e));
        }
    }

    private void OnResultBlock(ResultBlock block)
    {
        if (!IsEncryptor)
        {
            Abort(AbortReason.UnexpectedMessage, "the encryptor sent a result block");
            return;
        }

        if (!CheckBlock(block, plan.Tiles, plan.TileResults))
        {
            return;
        }

        var decryptor = new Decryptor(privateKey!);
        var p = plan;
        var s = share;
        Submit("decrypt", block.BlockIndex, () =>
        {
            DecryptKernel.DecryptBlock(p, decryptor, block.Ciphertexts, block.FirstIndex, block.Count, s);
            return block.BlockIndex;
        });
    }

    /// <summary>Checks a received block against the plan and the credit granted; false when it aborted or was a duplicate.</summary>
    private bool CheckBlock(CiphertextBlock block, int blocks, Func<int, (int First, int Count)> layout)
    {
        var (index, first, count, width, ciphertexts) = (block.BlockIndex, block.FirstIndex, block.Count, block.Width, block.Ciphertexts);
        if (index < 0 || index >= blocks || layout(index) != (first, count) || width != publicKey.CiphertextBytes || ciphertexts.Length != count * width)
        {
            Abort(AbortReason.PlanMismatch, $"block {index} does not match the plan (first {first}, count {count}, width {width})");
            return false;
        }

        var digest = SHA256.HashData(ciphertexts);
        if (receivedDigests[index] is { } seen)
        {
            if (!seen.AsSpan().SequenceEqual(digest))
            {
                Abort(AbortReason.DuplicateMismatch, $"block {index} arrived twice with different contents");
                return false;
            }

            log.Info("session {0}: identical duplicate of block {1} ignored", sessionId, index);
            return false;
        }

        if (index >= grantedToPeer)
        {
            Abort(AbortReason.UnexpectedMessage, $"block {index} was sent beyond the granted window of {grantedToPeer}");
            return false;
        }

        receivedDigests[index] = digest;
        ciphertextsReceived += count;
        bytesReceived += ciphertexts.Length;
        return true;
    }

    /// <summary>Grants the peer credit for `window` blocks beyond what this side has processed.</summary>
    private void Grant()
    {
        var total = receivedDigests.Length;
        var granted = Math.Min(blocksProcessed + settings.Window, total);
        if (granted > grantedToPeer)
        {
            grantedToPeer = granted;
            SendToPeer(new Credit(sessionId, granted), 0);
        }
    }

    // ---- Finishing -------------------------------------------------------------------------------------------

    private void CompleteStreaming()
    {
        if (streamingComplete)
        {
            return;
        }

        streamingComplete = true;
        streamingAt = clock.Elapsed;
        finalShare = ReferenceProtocol.FromCanonical(share, agreement!.Encryptor, settings.Domain);
        if (RevealsTo(PeerSide))
        {
            var rowsPerChunk = Math.Max(1, blockBytes / (finalShare.Columns * RevealBytesPerValue));
            for (var row = 0; row < finalShare.Rows; row += rowsPerChunk)
            {
                var rows = Math.Min(rowsPerChunk, finalShare.Rows - row);
                var values = SignedIntegerCodec.Encode(finalShare.Data.AsSpan(row * finalShare.Columns, rows * finalShare.Columns));
                SendToPeer(new RevealedShare(sessionId, row, rows, finalShare.Columns, values), values.Length);
            }
        }

        if (RevealsTo(settings.Side))
        {
            peerShare ??= new Matrix<BigInteger>(finalShare.Rows, finalShare.Columns);
            if (revealRows.Length == 0)
            {
                revealRows = new bool[finalShare.Rows];
            }
        }

        TrySendDone();
    }

    private OperandSide PeerSide => settings.Side == OperandSide.Left ? OperandSide.Right : OperandSide.Left;

    private bool RevealsTo(OperandSide side) => settings.Reveal.ReachesSide(side);

    private void OnRevealedShare(RevealedShare revealed)
    {
        if (!RevealsTo(settings.Side) || agreement is null)
        {
            Abort(AbortReason.UnexpectedMessage, "a share arrived although the product is not revealed to this party");
            return;
        }

        var (rows, columns) = agreement.Transposed ? (plan.Columns, plan.Rows) : (plan.Rows, plan.Columns);
        if (revealed.Columns != columns || revealed.FirstRow < 0 || revealed.Rows < 1 || revealed.FirstRow + revealed.Rows > rows)
        {
            Abort(AbortReason.PlanMismatch, $"revealed rows [{revealed.FirstRow}, {revealed.FirstRow + revealed.Rows}) of {revealed.Columns} columns do not fit the {rows}x{columns} product");
            return;
        }

        BigInteger[] values;
        try
        {
            values = SignedIntegerCodec.Decode(revealed.Values, revealed.Rows * revealed.Columns);
        }
        catch (System.Runtime.Serialization.SerializationException error)
        {
            Abort(AbortReason.UnexpectedMessage, $"revealed share values are malformed: {error.Message}");
            return;
        }

        peerShare ??= new Matrix<BigInteger>(rows, columns);
        if (revealRows.Length == 0)
        {
            revealRows = new bool[rows];
        }

        for (var r = 0; r < revealed.Rows; r++)
        {
            var row = revealed.FirstRow + r;
            var incoming = values.AsSpan(r * columns, columns);
            if (revealRows[row])
            {
                if (!incoming.SequenceEqual(peerShare.Row(row)))
                {
                    Abort(AbortReason.DuplicateMismatch, $"revealed row {row} arrived twice with different values");
                    return;
                }

                continue;
            }

            incoming.CopyTo(peerShare.Data.AsSpan(row * columns, columns));
            revealRows[row] = true;
            revealRowsReceived++;
        }

        bytesReceived += revealed.Values.Length;
        TrySendDone();
    }

    private void TrySendDone()
    {
        if (doneSent || !streamingComplete || (RevealsTo(settings.Side) && revealRowsReceived < revealRows.Length))
        {
            return;
        }

        doneSent = true;
        SendToPeer(new Done(sessionId, ciphertextsReceived, Transcript(receivedDigests)), 0);
        TryFinish();
    }

    private void OnPeerDone(Done done)
    {
        var expected = Transcript(sentDigests);
        if (done.Count != ciphertextsSent || !done.Digest.AsSpan().SequenceEqual(expected))
        {
            Abort(AbortReason.PlanMismatch, $"the peer's Done does not match what was sent ({done.Count} ciphertexts received, {ciphertextsSent} sent, or a different digest)");
            return;
        }

        peerDone = done;
        TryFinish();
    }

    private void TryFinish()
    {
        if (!doneSent || peerDone is null || finished)
        {
            return;
        }

        finished = true;
        Timers.CancelAll();
        Context.SetReceiveTimeout(null);
        var left = agreement!.Left;
        var right = agreement.Right;
        var product = peerShare is null ? null : Shares.Reconstruct(finalShare!, peerShare, settings.Domain);
        var statistics = new PartyStatistics
        {
            SessionId = sessionId,
            IsEncryptor = IsEncryptor,
            Encryptor = agreement.Encryptor,
            Plan = plan,
            Backend = Backends.Current,
            Strategy = bases?.Strategy,
            CiphertextsSent = ciphertextsSent,
            CiphertextsReceived = ciphertextsReceived,
            BytesSent = bytesSent,
            BytesReceived = bytesReceived,
            MaxInFlight = maxInFlight,
            TilesRetried = tilesRetried,
            Handshake = handshakeAt,
            Keys = keysAt - handshakeAt,
            Streaming = streamingAt - keysAt,
            Finishing = clock.Elapsed - streamingAt,
            Total = clock.Elapsed,
        };
        job.Completion.TrySetResult(new PartyResult(finalShare!, product, settings.Domain, left.FractionBits + right.FractionBits, statistics));
        Become(Finished);
    }

    private void Finished()
    {
        ReceiveAny(message => log.Debug("session {0}: finished; ignored {1}", sessionId, message.GetType().Name));
    }

    // ---- Common to every active state ------------------------------------------------------------------------

    private void Common()
    {
        Receive<Abort>(abort =>
        {
            if (abort.SessionId == sessionId)
            {
                Fail(new SessionAbortedException(abort.Reason, $"the peer aborted ({abort.Reason}): {abort.Text}", raisedByPeer: true));
            }
        });
        Receive<DisassociatedEvent>(lost =>
        {
            if (lost.RemoteAddress.Equals(peer.Path.Address))
            {
                Abort(AbortReason.PeerLost, $"the link to the peer at {lost.RemoteAddress} was lost");
            }
        });
        Receive<ReceiveTimeout>(_ => Abort(AbortReason.Timeout, $"nothing happened for {settings.Timeout.TotalSeconds:0.#} s; the peer is unreachable or stalled"));
        Receive<Gateway.Cancel>(_ => Abort(AbortReason.Cancelled, "cancelled by the operator"));
        Receive<IProtocolMessage>(message =>
        {
            if (message.SessionId != sessionId)
            {
                log.Warning("session {0}: dropped {1} for session {2}", sessionId, message.GetType().Name, message.SessionId);
                return;
            }

            Abort(AbortReason.UnexpectedMessage, $"{message.GetType().Name} is not expected in this phase");
        });
        ReceiveAny(message => log.Debug("session {0}: ignored {1}", sessionId, message.GetType().Name));
    }

    /// <summary>True for a hello of this session from the peer; an identical repeat is ignored, a different one aborts.</summary>
    private bool Accept(Hello hello)
    {
        if (hello.SessionId != sessionId)
        {
            log.Warning("session {0}: dropped a hello for session {1}", sessionId, hello.SessionId);
            return false;
        }

        if (agreement is null)
        {
            return true;
        }

        var theirs = settings.Side == OperandSide.Left ? agreement.Right : agreement.Left;
        if (!hello.Equals(theirs))
        {
            Abort(AbortReason.DuplicateMismatch, "the peer sent a second, different hello");
        }

        return false;
    }

    /// <summary>Sends to the peer's session, counting the payload bytes (ciphertexts, key, share values).</summary>
    private void SendToPeer(IProtocolMessage message, long payload)
    {
        bytesSent += payload;
        peer.Tell(message, Self);
    }

    private void Abort(AbortReason reason, string text)
    {
        if (!peer.Equals(ActorRefs.Nobody))
        {
            peer.Tell(new Abort(sessionId, reason, text), Self);
        }

        Fail(new SessionAbortedException(reason, $"{reason}: {text}", raisedByPeer: false));
    }

    private void Fail(SessionAbortedException error)
    {
        log.Warning("session {0}: aborted: {1}", sessionId, error.Message);
        finished = true;
        job.Completion.TrySetException(error);
        Timers.CancelAll();
        Context.SetReceiveTimeout(null);
        Become(Finished);
    }

    /// <summary>The digest a Done carries: SHA-256 over the per-block SHA-256 digests in block order.</summary>
    private static byte[] Transcript(byte[]?[] blockDigests)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var digest in blockDigests)
        {
            hash.AppendData(digest ?? []);
        }

        return hash.GetHashAndReset();
    }

    private sealed class CallAgain : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly CallAgain Instance = new();
    }

    private sealed record KeyReady(PaillierPrivateKey Key) : INoSerializationVerificationNeeded;

    private sealed record BasesReady(EvaluationBases Bases) : INoSerializationVerificationNeeded;
}
