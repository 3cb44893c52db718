using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Runtime;

/// <summary>Streaming as the evaluator: validate and keep the encrypted operand off the session thread (docs/protocol.md
/// §9), prepare it once complete, then evaluate tile by tile as the peer's credit allows (§5).</summary>
internal sealed partial class Session
{
    /// <summary>The secret seed of this session's masks and re-randomisers (evaluator): its nodes compute a tile exactly
    /// as this node would, so a sampled tile can be checked by computing it again.</summary>
    private readonly byte[] maskSeed = RandomStream.NewSeed();

    private void EvaluatorStreaming(Agreed agreed, Streams streams, Evaluation evaluation) => Phase("streaming", () =>
    {
        var plan = agreed.Plan;
        RepeatedHello(agreed);
        ReceiveCredit(streams, () => DispatchEvaluation(agreed, streams, evaluation));
        Receive<EncryptedBlock>(OnEncryptedBlock);
        Receive<Absorbed>(OnAbsorbed);
        Receive<AbsorbFailed>(failed => Abort(failed.Error is InvalidCiphertextException ? AbortReason.InvalidCiphertext : AbortReason.Internal,
            $"encrypted block {failed.Block}: {(failed.Error is ValidationException check ? $"the {check.Check} check failed: " : string.Empty)}{failed.Error.Message}"));
        Receive<Prepared>(_ =>
        {
            tiles.Attach(new EvaluatorKit(evaluation.Kernels, maskSeed, settings.FaultInjection));
            streams.Strategy = evaluation.Kernels.Strategy;
            EvaluationReady(agreed, streams, evaluation);
        });
        Receive<PrepareFailed>(failed => Abort(AbortReason.WorkerFailure, $"preparing the encrypted operand failed: {failed.Error.Message}"));
        Receive<EvaluateResult>(
            evaluated =>
            {
                statistics.TileSucceeded(evaluated.Attempt);
                if (Keep(agreed, evaluated) is not { } band)
                {
                    return;
                }

                var (first, count) = plan.TileResults(evaluated.Index);
                SendBlock(streams, new ResultBlock(sessionId, evaluated.Index, first, count, streams.SendWidth, evaluated.Ciphertexts));
                if (!Committed(agreed, evaluated.Index, new CommittedTile(streams.Sent.Digest(evaluated.Index), band)))
                {
                    return;
                }

                ReportResults(agreed, "evaluate", streams.Out.Sent, plan.Tiles);
                if (streams.Out.Complete)
                {
                    StartFinishing(agreed, streams);
                }
            },
            _ => FromDispatcher);
        Receive<TileFailed>(TileFailed, _ => FromDispatcher);
        ReceiveDone(streams, () => { });
        ReceiveRevealedShare(agreed, () => { });

        void OnEncryptedBlock(EncryptedBlock block)
        {
            if (!Admit(block, streams, plan.EncryptBlock) || !AsJournaled(operand => operand.Blocks[block.BlockIndex], streams.Received.Digest(block.BlockIndex), $"encrypted block {block.BlockIndex}"))
            {
                return;
            }

            Absorb(evaluation.Kernels, block);
        }

        void OnAbsorbed(Absorbed absorbed)
        {
            BlockProcessed(streams);
            Report("receive", streams.In.Processed, plan.EncryptBlocks);
            if (!streams.In.Complete || !JournalOperand(agreed, streams))
            {
                return;
            }

            ShipToNodes(() => NodeSetup.ForEvaluator(sessionId, evaluation.Kernels, maskSeed));
            Prepare(evaluation.Kernels);
        }
    });

    /// <summary>The kit is attached (once the operand is prepared): evaluation tiles may go out.</summary>
    private void EvaluationReady(Agreed agreed, Streams streams, Evaluation evaluation)
    {
        evaluation.Ready = true;
        statistics.Ended(SessionPhase.EvaluationReady, clock.Elapsed);
        Report("evaluate", 0, streams.Out.Blocks);
        DispatchEvaluation(agreed, streams, evaluation);
    }

    /// <summary>Starts the tiles the credit allows; a tile both parties committed before a resume is skipped.</summary>
    private void DispatchEvaluation(Agreed agreed, Streams streams, Evaluation evaluation)
    {
        var skipped = false;
        while (evaluation.Ready && streams.Out.TryStart(out var tile))
        {
            if (streams.Skipped.Contains(tile))
            {
                streams.Out.Skip();
                skipped = true;
                continue;
            }

            dispatcher.Tell(EvaluateTileOf(agreed, tile));
        }

        // Every tile left was committed before the resume: nothing more will finish the streaming.
        if (skipped && streams.Out.Complete)
        {
            StartFinishing(agreed, streams);
        }
    }

    /// <summary>A tile carries the band of X its rows need, read from this party's operand as the tile goes out (so X
    /// is never held whole when it is the file's own rows).</summary>
    private EvaluateTile EvaluateTileOf(Agreed agreed, int tile)
    {
        var band = agreed.Plan.Band(tile);
        var x = agreed.Operand.ReadRows(band.FirstRow, band.Rows);
        return new EvaluateTile(sessionId, tile, 1, x.Columns, x.Data);
    }

    /// <summary>Validates and keeps a block's ciphertexts in the background.</summary>
    private void Absorb(IEvaluatorKernels kernels, EncryptedBlock block) => InBackground(
        () =>
        {
            kernels.Absorb(block.FirstIndex, block.Count, block.Ciphertexts);
            return new Absorbed(block.BlockIndex);
        },
        error => new AbsorbFailed(block.BlockIndex, error));

    /// <summary>Prepares the operand in the background (Paillier's tables), its process CPU counted as preparation.</summary>
    private void Prepare(IEvaluatorKernels kernels)
    {
        var (budget, parallelism, before, context) = (settings.TableMemoryBytes, settings.EffectiveWorkers, settings.BeforeTableBuild, tiles);
        InBackground(
            () =>
            {
                before?.Invoke();
                var cpu = Environment.CpuUsage.TotalTime;
                kernels.Prepare(budget, parallelism);
                context.Cpu.AddPreparation(Environment.CpuUsage.TotalTime - cpu);
                return Prepared.Instance;
            },
            error => new PrepareFailed(error));
    }

    /// <summary>Runs work on the kernels off the session thread under a lease on the tile context, so an abort meanwhile
    /// disposes them only after the work has finished with them; its outcome comes back as a message.</summary>
    private void InBackground(Func<object> work, Func<Exception, object> failed)
    {
        if (!tiles.TryAcquire())
        {
            return;
        }

        var context = tiles;
        Task.Run(() =>
        {
            try
            {
                return work();
            }
            catch (Exception error)
            {
                return failed(error);
            }
            finally
            {
                context.Release();
            }
        }).PipeTo(Self);
    }

    /// <summary>The evaluator's keying result: the scheme's kernels over the peer's key, and whether tiles may go out.</summary>
    private sealed class Evaluation(IEvaluatorKernels kernels)
    {
        public IEvaluatorKernels Kernels { get; } = kernels;

        public bool Ready { get; set; }
    }

    private sealed record Absorbed(int Block) : INoSerializationVerificationNeeded;

    private sealed record AbsorbFailed(int Block, Exception Error) : INoSerializationVerificationNeeded;

    private sealed class Prepared : INoSerializationVerificationNeeded
    {
        public static readonly Prepared Instance = new();
    }

    private sealed record PrepareFailed(Exception Error) : INoSerializationVerificationNeeded;
}
