using Duet.Crypto;
using Akka.Actor;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Actors.Tiles;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.Lattice;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>Streaming as the evaluator: validate and keep the encrypted operand (PROTOCOL.md §9), build the
/// evaluation tables once it is complete, then evaluate tile by tile as the peer's credit allows (§5).</summary>
internal sealed partial class Session
{
    /// <summary>The secret seed of this session's masks and re-randomisers (evaluator): its nodes compute a tile exactly
    /// as this node would, so a sampled tile can be checked by computing it again.</summary>
    private readonly byte[] maskSeed = Crypto.RandomStream.NewSeed();

    private void EvaluatorStreaming(Agreed agreed, Streams streams, Evaluation evaluation) => Phase("streaming", () =>
    {
        var plan = agreed.Plan;
        RepeatedHello(agreed);
        ReceiveCredit(streams, () => DispatchEvaluation(agreed, streams, evaluation));
        Receive<CiphertextBlock>(OnEncryptedBlock, block => CiphertextBlocks.IsEncrypted(block, plan.Scheme));
        Receive<BasesReady>(ready =>
        {
            tiles.Attach(new EvaluatorKit(plan.Paillier!, new Evaluator(ready.Bases.Key), ready.Bases, maskSeed, settings.FaultInjection));
            streams.Strategy = ready.Bases.Strategy;
            EvaluationReady(agreed, streams, evaluation);
        });
        Receive<BasesFailed>(failed => Abort(AbortReason.WorkerFailure, $"building the evaluation tables failed: {failed.Error.Message}"));
        Receive<EvaluateResult>(
            evaluated =>
            {
                statistics.TileSucceeded(evaluated.Attempt);
                if (Keep(agreed, evaluated) is not { } band)
                {
                    return;
                }

                var (first, count) = plan.TileResults(evaluated.Index);
                SendBlock(streams, CiphertextBlocks.Result(plan.Scheme, sessionId, evaluated.Index, first, count, streams.SendWidth, evaluated.Ciphertexts));
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

        void OnEncryptedBlock(CiphertextBlock block)
        {
            if (!Admit(block, streams, plan.EncryptBlock) || !AsJournaled(operand => operand.Blocks[block.BlockIndex], streams.Received.Digest(block.BlockIndex), $"encrypted block {block.BlockIndex}"))
            {
                return;
            }

            try
            {
                evaluation.Read(block);
            }
            catch (InvalidCiphertextException error)
            {
                Abort(AbortReason.InvalidCiphertext, $"encrypted block {block.BlockIndex}: the {error.Check} check failed: {error.Message}");
                return;
            }

            BlockProcessed(streams);
            Report("receive", streams.In.Processed, plan.EncryptBlocks);
            if (!streams.In.Complete)
            {
                return;
            }

            switch (evaluation)
            {
                case PaillierEvaluation paillier:
                    if (!JournalOperand(agreed, streams))
                    {
                        return;
                    }

                    ShipToNodes(() => NodeSetup.ForEvaluator(sessionId, plan.Paillier!, paillier.Key, paillier.Operands, maskSeed));
                    BuildTables(plan.Paillier!, paillier);
                    break;
                case LatticeEvaluation lattice:
                    tiles.Attach(new LatticeEvaluatorKit(plan.Lattice!, agreed.Operand.ReadAll(), new BfvEvaluator(lattice.Key), lattice.Operands, settings.FaultInjection));
                    EvaluationReady(agreed, streams, evaluation);
                    break;
            }
        }
    });

    /// <summary>The kit is attached (after the tables, under Paillier): evaluation tiles may go out.</summary>
    private void EvaluationReady(Agreed agreed, Streams streams, Evaluation evaluation)
    {
        evaluation.TablesReady = true;
        statistics.Ended(SessionPhase.EvaluationReady, clock.Elapsed);
        Report("evaluate", 0, streams.Out.Blocks);
        DispatchEvaluation(agreed, streams, evaluation);
    }

    /// <summary>Starts the tiles the credit allows; a tile both parties committed before a resume is skipped.</summary>
    private void DispatchEvaluation(Agreed agreed, Streams streams, Evaluation evaluation)
    {
        var skipped = false;
        while (evaluation.TablesReady && streams.Out.TryStart(out var tile))
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

    /// <summary>A Paillier tile carries the band of X its rows need, read from this party's operand as the tile goes out
    /// (so X is never held whole when it is the file's own rows); a BFV tile uses the kit's whole X.</summary>
    private EvaluateTile EvaluateTileOf(Agreed agreed, int tile)
    {
        if (agreed.Plan.Paillier is not { } plan)
        {
            return new EvaluateTile(sessionId, tile, 1, 0, []);
        }

        var band = plan.Band(tile);
        var x = agreed.Operand.ReadRows(band.FirstRow, band.Rows);
        return new EvaluateTile(sessionId, tile, 1, x.Columns, x.Data);
    }

    /// <summary>Builds the tables in the background under a lease on the tile context, so an abort meanwhile
    /// disposes the operands and the key only after the build has finished with them.</summary>
    private void BuildTables(PackingPlan plan, PaillierEvaluation evaluation)
    {
        if (!tiles.TryAcquire())
        {
            return;
        }

        var context = tiles;
        var (key, operands, budget, parallelism, before) = (evaluation.Key, evaluation.Operands, settings.TableMemoryBytes, settings.EffectiveWorkers, settings.BeforeTableBuild);
        Task.Run(() =>
        {
            try
            {
                before?.Invoke();
                var cpu = Environment.CpuUsage.TotalTime;
                var bases = EvaluationBases.Build(plan, key, operands, budget, parallelism);
                context.Cpu.AddTables(Environment.CpuUsage.TotalTime - cpu);
                context.Own(bases);
                return new BasesReady(bases);
            }
            finally
            {
                context.Release();
            }
        }).PipeTo(Self, failure: e => new BasesFailed(e));
    }

    /// <summary>The evaluator's keying results: the peer's key and its encrypted operand as it arrives.</summary>
    private abstract class Evaluation
    {
        public bool TablesReady { get; set; }

        /// <summary>Validates and keeps the ciphertexts of an admitted block, or throws <see cref="InvalidCiphertextException"/>.</summary>
        public abstract void Read(CiphertextBlock block);
    }

    /// <summary>A Paillier key and the residues of its ciphertexts, owned by the tile context.</summary>
    private sealed class PaillierEvaluation(PaillierPublicKey key, Residue[] operands) : Evaluation
    {
        public PaillierPublicKey Key { get; } = key;

        public Residue[] Operands { get; } = operands;

        public override void Read(CiphertextBlock block) =>
            Key.ReadCiphertexts(block.Ciphertexts, new ArraySegment<Residue>(Operands, block.FirstIndex, block.Count));
    }

    private sealed record BasesReady(EvaluationBases Bases) : INoSerializationVerificationNeeded;

    private sealed record BasesFailed(Exception Error) : INoSerializationVerificationNeeded;
}
