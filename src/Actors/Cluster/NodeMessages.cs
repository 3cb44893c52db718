namespace Duet.Actors.Cluster;

// Messages between a session's tile coordinator and the worker nodes of its party. Serialized by the DuetSerializer
// (NodeCodec), so they cross the party's own mutual-TLS links; never sent to the peer.

/// <summary>A message between the nodes of one party about one session.</summary>
public interface INodeMessage
{
    Guid SessionId { get; }
}

/// <summary>A worker asks for tiles: it registers with the coordinator (which watches it) and may hold up to
/// <see cref="Credits"/> tiles at once; every result it returns gives one credit back.</summary>
public sealed record WorkerReady(Guid SessionId, int Credits) : INodeMessage
{
    /// <summary>The session's capability from the node's set-up: only a node that was sent it can register.</summary>
    public byte[] Capability { get; init; } = [];

    /// <summary>The most tiles one worker may hold.</summary>
    public const int MaxCredits = 16;
}

/// <summary>Part <see cref="Part"/> of <see cref="Parts"/> of a session's encoded <see cref="NodeSetup"/>, sent in order
/// from the coordinator to a worker node, each part under the transport frame.</summary>
public sealed record SetupPart(Guid SessionId, int Part, int Parts, byte[] Bytes) : INodeMessage
{
    /// <summary>Bytes of one part: a quarter of the default 4 MiB frame.</summary>
    public const int PartBytes = 1 << 20;

    /// <summary>The most parts of one set-up (64 GiB): only a guard against a corrupted count.</summary>
    public const int MaxParts = 1 << 16;

    /// <summary>Parts sent to a node and not yet acknowledged (<see cref="SetupAck"/>): the set-up's flow control.</summary>
    public const int Window = 4;
}

/// <summary>A worker node received part <see cref="Part"/> of a session's set-up: the coordinator may send one more.</summary>
public sealed record SetupAck(Guid SessionId, int Part) : INodeMessage;

/// <summary>From the session's coordinator to a member's agent: prove you hold a certificate pinned as one of this
/// party's nodes (<see cref="NodeAttestation"/>) before you are sent a set-up or may register workers.</summary>
public sealed record AttestChallenge(Guid SessionId, byte[] Challenge) : INodeMessage;

/// <summary>A member's answer to an <see cref="AttestChallenge"/>: its TLS certificate (DER) and its signature, by
/// that certificate's private key, over the challenge bound to both nodes' addresses.</summary>
public sealed record AttestAnswer(Guid SessionId, byte[] Certificate, byte[] Signature) : INodeMessage;
