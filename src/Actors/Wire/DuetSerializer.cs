using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using Duet.Actors.Cluster;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;

namespace Duet.Actors.Wire;

/// <summary>The compact binary form of every <see cref="IProtocolMessage"/> (<see cref="PeerCodec"/>) and every
/// <see cref="ITileMessage"/> (<see cref="TileCodec"/>) and <see cref="INodeMessage"/> (<see cref="NodeCodec"/>), bound to the three interfaces in duet.conf.
/// Layout: a format version byte, then the fields in declaration order: Int32/Int64 little-endian, Guid as
/// 16 bytes in RFC 4122 (big-endian) order, enums as one byte, byte arrays and UTF-8 strings behind an Int32
/// length. Decoding rejects anything out of shape with a <see cref="SerializationException"/>; semantic checks
/// (versions, key sizes, the plan) belong to the session, which can answer them with a typed Abort.</summary>
public sealed class DuetSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4711;

    public const string HelloManifest = "HE";
    public const string KeyManifest = "KY";
    public const string EncryptedBlockManifest = "EB";
    public const string ResultBlockManifest = "RB";
    public const string CreditManifest = "CR";
    public const string RevealCreditManifest = "RC";
    public const string DoneManifest = "DN";
    public const string AbortManifest = "AB";
    public const string RevealedShareManifest = "RS";
    public const string ConfirmManifest = "CF";
    public const string PartManifest = "MP";

    /// <summary>The key that makes a system decode only peer-protocol and delivery messages: a party's peer-facing system.</summary>
    public const string PeerOnlyKey = "duet.wire.peer-only";

    private readonly bool peerOnly;
    private long refused;

    public DuetSerializer(ExtendedActorSystem system)
        : base(system)
    {
        peerOnly = system?.Settings.Config.GetBoolean(PeerOnlyKey, false) ?? false;
    }

    /// <summary>Messages refused since the system started because they are not for a peer-facing system.</summary>
    public long Refused => Interlocked.Read(ref refused);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => ManifestFor(o);

    public override byte[] ToBinary(object obj) => Encode(obj);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (bytes is null)
        {
            throw new SerializationException($"No bytes to deserialize for manifest '{manifest}'.");
        }

        if (peerOnly && !IsPeerManifest(manifest))
        {
            // A tile or node message has no business on a peer link: the first one is logged, every one is counted.
            if (Interlocked.Increment(ref refused) == 1)
            {
                system.Log.Warning("wire: refused a '{0}' message on the peer-facing system (only the peer protocol is accepted here; further ones are counted, not logged)", manifest);
            }

            throw new SerializationException($"'{manifest}' is not a peer-protocol message; this system accepts only the peer protocol.");
        }

        return Decode(bytes, manifest);
    }

    /// <summary>The manifest of a protocol or tile message.</summary>
    /// <exception cref="ArgumentException">Not a Duet message.</exception>
    public static string ManifestFor(object message) => message switch
    {
        Hello => HelloManifest,
        KeyMessage => KeyManifest,
        MessagePart => PartManifest,
        EncryptedBlock => EncryptedBlockManifest,
        ResultBlock => ResultBlockManifest,
        Credit => CreditManifest,
        RevealCredit => RevealCreditManifest,
        Done => DoneManifest,
        Abort => AbortManifest,
        RevealedShare => RevealedShareManifest,
        Confirm => ConfirmManifest,
        ShareOffer => DeliveryCodec.ShareOfferManifest,
        ShareRun => DeliveryCodec.ShareRunManifest,
        ShareReceipt => DeliveryCodec.ShareReceiptManifest,
        ITileMessage tile => TileCodec.ManifestFor(tile),
        INodeMessage node => NodeCodec.ManifestFor(node),
        _ => throw new ArgumentException($"{message?.GetType().FullName ?? "null"} is not a Duet message.", nameof(message)),
    };

    /// <summary>Encodes a protocol or tile message.</summary>
    /// <exception cref="ArgumentException">Not a Duet message.</exception>
    /// <exception cref="SerializationException">A field is outside what the wire format carries.</exception>
    public static byte[] Encode(object message) => message switch
    {
        Hello m => HelloCodec.EncodeHello(m),
        KeyMessage m => PeerCodec.EncodeKey(m),
        MessagePart m => PeerCodec.EncodePart(m),
        EncryptedBlock m => PeerCodec.EncodeBlock(m, "EncryptedBlock"),
        ResultBlock m => PeerCodec.EncodeBlock(m, "ResultBlock"),
        Credit m => PeerCodec.EncodeCredit(m),
        RevealCredit m => PeerCodec.EncodeRevealCredit(m),
        Done m => PeerCodec.EncodeDone(m),
        Abort m => PeerCodec.EncodeAbort(m),
        RevealedShare m => PeerCodec.EncodeRevealedShare(m),
        Confirm m => PeerCodec.EncodeConfirm(m),
        ShareOffer m => DeliveryCodec.EncodeOffer(m),
        ShareRun m => DeliveryCodec.EncodeRun(m),
        ShareReceipt m => DeliveryCodec.EncodeReceipt(m),
        ITileMessage m => TileCodec.Encode(m),
        INodeMessage m => NodeCodec.Encode(m),
        _ => throw new ArgumentException($"{message?.GetType().FullName ?? "null"} is not a Duet message.", nameof(message)),
    };

    /// <summary>True for the manifests a peer or a delivery link may carry: everything but tile and node messages.</summary>
    public static bool IsPeerManifest(string manifest) => manifest is HelloManifest or KeyManifest or EncryptedBlockManifest
        or ResultBlockManifest or CreditManifest or RevealCreditManifest or DoneManifest or AbortManifest or RevealedShareManifest
        or ConfirmManifest or PartManifest
        or DeliveryCodec.ShareOfferManifest or DeliveryCodec.ShareRunManifest or DeliveryCodec.ShareReceiptManifest;

    /// <summary>Decodes untrusted bytes.</summary>
    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not exactly one well-formed message.</exception>
    public static object Decode(ReadOnlySpan<byte> bytes, string manifest) => manifest switch
    {
        HelloManifest => HelloCodec.DecodeHello(bytes),
        KeyManifest => PeerCodec.DecodeKey(bytes),
        PartManifest => PeerCodec.DecodePart(bytes),
        EncryptedBlockManifest => PeerCodec.DecodeEncryptedBlock(bytes),
        ResultBlockManifest => PeerCodec.DecodeResultBlock(bytes),
        CreditManifest => PeerCodec.DecodeCredit(bytes),
        RevealCreditManifest => PeerCodec.DecodeRevealCredit(bytes),
        DoneManifest => PeerCodec.DecodeDone(bytes),
        AbortManifest => PeerCodec.DecodeAbort(bytes),
        RevealedShareManifest => PeerCodec.DecodeRevealedShare(bytes),
        ConfirmManifest => PeerCodec.DecodeConfirm(bytes),
        DeliveryCodec.ShareOfferManifest => DeliveryCodec.DecodeOffer(bytes),
        DeliveryCodec.ShareRunManifest => DeliveryCodec.DecodeRun(bytes),
        DeliveryCodec.ShareReceiptManifest => DeliveryCodec.DecodeReceipt(bytes),
        _ when NodeCodec.Knows(manifest) => NodeCodec.Decode(bytes, manifest),
        _ => TileCodec.Decode(bytes, manifest),
    };
}
