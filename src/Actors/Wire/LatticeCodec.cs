using Duet.Actors.Protocol;

namespace Duet.Actors.Wire;

/// <summary>The binary layout of a BFV session's own messages, in the conventions of <see cref="PeerCodec"/>: blocks as
/// the Paillier ones but with BFV's wider ciphertexts, and the key with the parameters it was made for.</summary>
internal static class LatticeCodec
{
    /// <summary>The smallest ring degree a key message may announce (the standard's table starts at 1024).</summary>
    private const int MinDegree = 1024;

    private static bool IsDegree(int degree) => degree is >= MinDegree and <= WireLimits.MaxLatticeDegree && int.IsPow2(degree);

    internal static LatticeEncryptedBlock DecodeLatticeEncryptedBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "LatticeEncryptedBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = PeerCodec.DecodeBlock(ref r, WireLimits.MaxLatticeCiphertextWidth);
        return new LatticeEncryptedBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    internal static LatticeResultBlock DecodeLatticeResultBlock(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "LatticeResultBlock");
        var (sessionId, blockIndex, firstIndex, count, width, ciphertexts) = PeerCodec.DecodeBlock(ref r, WireLimits.MaxLatticeCiphertextWidth);
        return new LatticeResultBlock(sessionId, blockIndex, firstIndex, count, width, ciphertexts);
    }

    internal static byte[] EncodeLatticeKey(LatticeKeyMessage m)
    {
        PeerCodec.CheckWrite("LatticeKeyMessage", IsDegree(m.Degree) && m.Primes >= 1 && m.PlainBits >= 1,
            $"Degree = {m.Degree}, Primes = {m.Primes}, PlainBits = {m.PlainBits} are out of range");
        PeerCodec.CheckWrite("LatticeKeyMessage", m.Key is { Length: >= 1 and <= WireLimits.MaxLatticeCiphertextWidth }, $"Key must have 1 to {WireLimits.MaxLatticeCiphertextWidth} bytes");
        var bytes = new byte[PeerCodec.Header + (3 * sizeof(int)) + WireWriter.PrefixedBytes(m.Key.Length)];
        var w = new WireWriter(bytes);
        w.WriteGuid(m.SessionId);
        w.WriteInt32(m.Degree);
        w.WriteInt32(m.Primes);
        w.WriteInt32(m.PlainBits);
        w.WriteBytes(m.Key);
        return bytes;
    }

    internal static LatticeKeyMessage DecodeLatticeKey(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "LatticeKeyMessage");
        r.ReadFormatVersion();
        var sessionId = r.ReadGuid(nameof(LatticeKeyMessage.SessionId));
        var degree = r.ReadInt32(nameof(LatticeKeyMessage.Degree), 1, WireLimits.MaxLatticeDegree);
        if (!IsDegree(degree))
        {
            throw r.Error($"Degree = {degree} is not a power of two of at least {MinDegree}");
        }

        var key = new LatticeKeyMessage(
            sessionId,
            degree,
            r.ReadInt32(nameof(LatticeKeyMessage.Primes), 1),
            r.ReadInt32(nameof(LatticeKeyMessage.PlainBits), 1),
            r.ReadBytes(nameof(LatticeKeyMessage.Key), 1, WireLimits.MaxLatticeCiphertextWidth).ToArray());
        r.End();
        return key;
    }
}
