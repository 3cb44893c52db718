namespace Duet.Actors.Protocol;

// Sent by whichever party receives a block stream, to its sender.

/// <summary>Credit-based flow control: the receiver allows the sender to have sent blocks with
/// <c>BlockIndex &lt; Granted</c>. Cumulative, so a lost or reordered credit never shrinks the window.</summary>
public sealed record Credit(Guid SessionId, int Granted) : IProtocolMessage;
