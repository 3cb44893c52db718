using Akka.Actor;
using Akka.TestKit;
using Duet.Actors.Protocol;
using Duet.Actors.State;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Tests;

/// <summary>What a TestProbe playing the encryptor sends a session: its public key, and its operand within credit.</summary>
internal static class ProbePeer
{
    /// <summary>The reason the session's job failed with, within 5 s.</summary>
    public static AbortReason AbortReasonOf(Runtime.SessionJob job)
    {
        var error = Assert.Throws<AggregateException>(() => job.Completion.Task.Wait(TimeSpan.FromSeconds(5)));
        return Assert.IsType<SessionAbortedException>(error.InnerException).Reason;
    }

    public static KeyMessage KeyMessage(Guid sessionId, PaillierPrivateKey key) => new(sessionId, key.PublicKey.ToBytes());

    /// <summary>A standard Paillier key message of any n and h_s, valid or not (the DPK1 layout).</summary>
    public static KeyMessage KeyMessage(Guid sessionId, System.Numerics.BigInteger n, System.Numerics.BigInteger hs)
    {
        var (nBytes, hBytes) = (n.ToByteArray(isUnsigned: true, isBigEndian: true), hs.ToByteArray(isUnsigned: true, isBigEndian: true));
        var bytes = new byte[12 + nBytes.Length + hBytes.Length];
        "DPK1"u8.CopyTo(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), nBytes.Length);
        nBytes.CopyTo(bytes, 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8 + nBytes.Length), hBytes.Length);
        hBytes.CopyTo(bytes, 12 + nBytes.Length);
        return new KeyMessage(sessionId, bytes);
    }

    /// <summary>Encrypts Y block by block, each only once the session's credit allows it; returns what was sent.</summary>
    public static BlockLedger SendOperand(Guid sessionId, IActorRef session, TestProbe probe, PackingPlan plan, Matrix<long> y, PaillierPrivateKey key)
    {
        var width = key.PublicKey.CiphertextBytes;
        var encryptor = new PaillierEncryptor(key);
        var sent = new BlockLedger(plan.EncryptBlocks);
        var granted = 0;
        for (var block = 0; block < plan.EncryptBlocks; block++)
        {
            while (granted <= block)
            {
                granted = probe.ExpectMsg<Credit>(TimeSpan.FromSeconds(10)).Granted;
            }

            var (first, count) = plan.EncryptBlock(block);
            var bytes = new byte[count * width];
            PaillierEncryptKernel.EncryptBlock(plan, y, encryptor, first, count, bytes);
            sent.Record(block, bytes, count);
            probe.Send(session, new EncryptedBlock(sessionId, block, first, count, width, bytes));
        }

        return sent;
    }
}
