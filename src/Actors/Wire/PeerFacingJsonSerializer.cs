using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace Duet.Actors.Wire;

/// <summary>Akka's JSON serializer on a peer-facing system, with decoding refused: it takes the type to build from the
/// bytes, and nothing a peer sends may choose what this process instantiates. Duet's peer messages use
/// <see cref="DuetSerializer"/>; nothing sent to the peer is JSON.</summary>
/// <remarks>Under <c>akka.actor.serialize-messages</c> (a test setting) Akka round-trips its own local messages through
/// JSON, so decoding is left on there; the refusal is what every production configuration runs.</remarks>
public sealed class PeerFacingJsonSerializer : NewtonSoftJsonSerializer
{
    private readonly bool verifying;

    public PeerFacingJsonSerializer(ExtendedActorSystem system)
        : base(system)
    {
        verifying = system?.Settings.SerializeAllMessages ?? false;
    }

    // Akka passes its serialization-settings.json section when it has one.
    public PeerFacingJsonSerializer(ExtendedActorSystem system, Config config)
        : base(system, config)
    {
        verifying = system?.Settings.SerializeAllMessages ?? false;
    }

    public override object FromBinary(byte[] bytes, Type type) => verifying
        ? base.FromBinary(bytes, type)
        : throw new SerializationException($"the peer-facing system decodes no JSON message ({type?.Name ?? "no type"}); only the peer protocol");
}
