using Akka.Actor;
using Akka.Event;

namespace Duet.Actors.Runtime;

/// <summary>A unit of CPU work for a tile worker: encrypt a block, evaluate a tile, decrypt a block.</summary>
internal sealed record WorkItem(string Kind, int Index, int Attempt, Func<object> Work) : INoSerializationVerificationNeeded;

internal sealed record WorkDone(string Kind, int Index, object Result) : INoSerializationVerificationNeeded;

internal sealed record WorkFailed(string Kind, int Index, int Attempt, Exception Error) : INoSerializationVerificationNeeded;

/// <summary>
/// Runs work items on the worker dispatcher. Stateless: when an item throws, the worker reports the failure and
/// crashes, its supervisor restarts it, and the session decides whether to send the item again.
/// </summary>
internal sealed class TileWorker : ReceiveActor
{
    public TileWorker()
    {
        Receive<WorkItem>(item =>
        {
            object result;
            try
            {
                result = item.Work();
            }
            catch (Exception error)
            {
                Sender.Tell(new WorkFailed(item.Kind, item.Index, item.Attempt, error));
                Context.GetLogger().Warning("tile worker: {0} {1} failed: {2}", item.Kind, item.Index, error.Message);
                throw;
            }

            Sender.Tell(new WorkDone(item.Kind, item.Index, result));
        });
    }
}
