using Duet.Crypto.Schemes;
using System.Numerics;
using Duet.Actors.Protocol;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

/// <summary>One valid instance of every protocol message, with contents that exercise the edges of each field.</summary>
internal static class WireSamples
{
    public static readonly Guid Session = new("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    public static Hello Hello() => new(
        Session, ProtocolVersion: 3, OperandSide.Right, Rows: 100_000, Columns: 16, InputBits: 32, FractionBits: 12,
        ShareDomain.Integer, Reveal.Left, KeyBits: 3072, Sigma: 40, RolePreference.Evaluator, PartyName: "Bank Ærø — 東京", Scheme.Bfv);

    public static KeyMessage Key() => new(Session, Bytes(1200, 1));

    public static EncryptedBlock EncryptedBlock(int count = 3, int width = 8) =>
        new(Session, BlockIndex: 7, FirstIndex: 21, count, width, Bytes(count * width, 3));

    public static ResultBlock ResultBlock() => new(Session, BlockIndex: 0, FirstIndex: 0, Count: 2, Width: 5, Bytes(10, 4));

    /// <summary>A block of one wide ciphertext, as a fresh BFV ciphertext is.</summary>
    public static EncryptedBlock WideBlock(int width = 40_000) => new(Session, BlockIndex: 2, FirstIndex: 2, Count: 1, width, Bytes(width, 7));

    public static MessagePart Part() => new(Session, "RB", Index: 2, Count: 5, Bytes(700, 13));

    public static Credit Credit() => new(Session, Granted: 12);

    public static RevealCredit RevealCredit() => new(Session, Granted: 9);

    public static Done Done() => new(Session, Count: 1L << 33, Bytes(32, 5));

    public static Abort Abort() => new(Session, AbortReason.DuplicateMismatch, "ciphertext 17 arrived twice with different bytes");

    public static RevealedShare RevealedShare()
    {
        BigInteger[] values = [0, 1, -1, 127, 128, -128, -129, long.MaxValue, long.MinValue, BigInteger.Pow(2, 200) - 3, -BigInteger.Pow(3, 90)];
        return new RevealedShare(Session, First: 40, Count: values.Length, SignedIntegerCodec.Encode(values));
    }

    public static ShareOffer ShareOffer() => new(Session, OperandSide.Right, ShareDomain.Integer, FractionBits: 24, Rows: 1000, Columns: 3, Bytes(32, 9), Bytes(32, 10))
    {
        Signature = new OfferSignature(["sha256:" + new string('0', 63) + "1", "sha256:" + new string('e', 64)], Bytes(420, 11), Bytes(72, 12)),
    };

    public static ShareRun ShareRun() => new(Session, OperandSide.Left, First: 12, Count: RevealedShare().Count, RevealedShare().Values);

    public static ShareReceipt ShareReceipt() => new(Session, OperandSide.Right, DeliveryStatus.Refused, Runs: 3, "a second share of the right side");

    public static IReadOnlyList<(IProtocolMessage Message, string Manifest)> All() =>
    [
        (Hello(), "HE"),
        (Key(), "KY"),
        (EncryptedBlock(), "EB"),
        (ResultBlock(), "RB"),
        (Part(), "MP"),
        (Credit(), "CR"),
        (RevealCredit(), "RC"),
        (Done(), "DN"),
        (Abort(), "AB"),
        (RevealedShare(), "RS"),
        (ShareOffer(), "SO"),
        (ShareRun(), "SR"),
        (ShareReceipt(), "SA"),
    ];

    public static TheoryData<string> Manifests()
    {
        var data = new TheoryData<string>();
        foreach (var (_, manifest) in All())
        {
            data.Add(manifest);
        }

        return data;
    }

    public static IProtocolMessage ByManifest(string manifest) => All().Single(x => x.Manifest == manifest).Message;

    /// <summary>Deterministic, non-trivial bytes; the first is non-zero so big-endian values have full width.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        if (length > 0)
        {
            bytes[0] |= 0x80;
        }

        return bytes;
    }
}
