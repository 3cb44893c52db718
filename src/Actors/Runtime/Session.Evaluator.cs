using Akka.Actor;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Crypto.Arithmetic;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Runtime;

/// <summary>Streaming as the evaluator: validate and keep the encrypted operand (PROTOCOL.md §9), build the
/// evaluation tables once it is complete, then evaluate tile by tile as the peer's credit allows (§5).</summary>
internal sealed partial class Session
{
    private void EvaluatorStreaming(Agreed agreed, Streams streams, Evaluation evaluation) => Phase("streaming", () =>
    {
        var plan = agreed.Plan;
        RepeatedHello(agreed);
        ReceiveCredit(streams, () => DispatchEvaluation(streams, evaluation));
        Receive<EncryptedBlock>(block =>
        {
            if (!Admit(block, streams, plan.EncryptBlock))
            {
                return;
            }

            try
            {
                evaluation.Key.ReadCiphertexts(block.Ciphertexts, new ArraySegment<Residue>(evaluation.Operands, block.FirstIndex, block.Count));
            }
            catch (InvalidCiphertextException error)
            {
                Abort(AbortReason.InvalidCiphertext, $"encrypted block {block.BlockIndex}: the {error.Check} check failed: {error.Message}");
                return;
            }

            BlockProcessed(streams);
            Report("receive", streams.In.Processed, plan.EncryptBlocks);
            if (streams.In.Complete)
            {
                BuildTables(plan, evaluation);
            }
        });
        Receive<BasesReady>(ready =>
        {
            tiles.Attach(new EvaluatorKit(plan, agreed.Operand, new Evaluator(evaluation.Key), ready.Bases, settings.FaultInjection));
            evaluation.TablesReady = true;
            streams.Strategy = ready.Bases.Strategy;
            Report("evaluate", 0, plan.Tiles);
            DispatchEvaluation(streams, evaluation);
        });
        Receive<BasesFailed>(failed => Abort(AbortReason.WorkerFailure, $"building the evaluation tables failed: {failed.Error.Message}"));
        Receive<EvaluateResult>(
            evaluated =>
            {
                statistics.TileSucceeded(evaluated.Attempt);
                evaluated.CopyInto(streams.Share);
                var (first, count) = plan.TileResults(evaluated.Index);
                SendBlock(streams, new ResultBlock(sessionId, evaluated.Index, first, count, streams.Width, evaluated.Ciphertexts));
                Report("evaluate", streams.Out.Sent, plan.Tiles);
                if (streams.Out.Complete)
                {
                    StartFinishing(agreed, streams);
                }
            },
            _ => FromDispatcher);
        Receive<TileFailed>(TileFailed, _ => FromDispatcher);
        ReceiveDone(streams, () => { });
        ReceiveRevealedShare(agreed, () => { });
    });

    private void DispatchEvaluation(Streams streams, Evaluation evaluation)
    {
        while (evaluation.TablesReady && streams.Out.TryStart(out var tile))
        {
            dispatcher.Tell(new EvaluateTile(sessionId, tile, 1));
        }
    }

    /// <summary>Builds the tables in the background under a lease on the tile context, so an abort meanwhile
    /// disposes the operands and the key only after the build has finished with them.</summary>
    private void BuildTables(PackingPlan plan, Evaluation evaluation)
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
                var bases = EvaluationBases.Build(plan, key, operands, budget, parallelism);
                context.Own(bases);
                return new BasesReady(bases);
            }
            finally
            {
                context.Release();
            }
        }).PipeTo(Self, failure: e => new BasesFailed(e));
    }

    /// <summary>The evaluator's keying results: the peer's key and its encrypted operand, owned by the tile context.</summary>
    private sealed class Evaluation(PaillierPublicKey key, Residue[] operands)
    {
        public PaillierPublicKey Key { get; } = key;

        public Residue[] Operands { get; } = operands;

        public bool TablesReady { get; set; }
    }

    private sealed record BasesReady(EvaluationBases Bases) : INoSerializationVerificationNeeded;

    private sealed record BasesFailed(Exception Error) : INoSerializationVerificationNeeded;
}
