using Duet.Actors.Tiles;

namespace Duet.Actors.Runtime;

/// <summary>One party's pending run: its settings and operand in, its result (or failure) out.</summary>
internal sealed class SessionJob(PartySettings settings, IOperandRows operand, IProgress<PartyProgress>? progress, Action<PartyResult>? prepareOutputs = null, IShareSink? sink = null, ISessionJournal? journal = null, IShareSink? peerSink = null, Akka.Actor.ActorSystem? party = null)
{
    /// <summary>The party's own actor system, where the session's tile coordinator and workers run (never the
    /// peer-facing one); null in unit tests of a session alone, which use the session's system.</summary>
    public Akka.Actor.ActorSystem? Party { get; } = party;

    /// <summary>Where a streamed run records what a resume needs; null for none.</summary>
    public ISessionJournal? Journal { get; } = journal;

    /// <summary>Where this party's share streams as tiles finish; null to hold it in memory.</summary>
    public IShareSink? Sink { get; } = sink;

    /// <summary>Where the peer's revealed share goes in a streamed run the product is revealed to; null to hold it in memory.</summary>
    public IShareSink? PeerSink { get; } = peerSink;

    /// <summary>The host's first phase of writing the result (to temporary files), run once the peer's transcript
    /// checked and before this side confirms; if it throws, the session aborts on both sides instead.</summary>
    public Action<PartyResult>? PrepareOutputs { get; } = prepareOutputs;

    public PartySettings Settings { get; } = settings;

    /// <summary>This party's own operand, read by rows (whole only where the session needs it whole).</summary>
    public IOperandRows Operand { get; } = operand;

    public IProgress<PartyProgress>? Progress { get; } = progress;

    public TaskCompletionSource<PartyResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The session's tile context, once its session started; null before.</summary>
    public TileContext? Tiles { get; set; }
}
