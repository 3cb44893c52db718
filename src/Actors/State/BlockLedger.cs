using System.Security.Cryptography;
using Duet.Actors.Protocol;

namespace Duet.Actors.State;

/// <summary>What a received block is to the ledger.</summary>
internal enum BlockArrival
{
    New,

    /// <summary>Seen before with the same bytes: ignored (docs/protocol.md §9).</summary>
    Duplicate,

    /// <summary>Seen before with different bytes: the session aborts.</summary>
    Conflict,
}

/// <summary>
/// One direction of a block stream: a SHA-256 per block, the ciphertexts counted, and the digest of the stream
/// (SHA-256 over the per-block digests in block order) that the session's <see cref="Transcript"/> covers.
/// </summary>
internal sealed class BlockLedger(int blocks)
{
    private readonly byte[]?[] digests = new byte[blocks][];

    public int Blocks => digests.Length;

    public int Recorded { get; private set; }

    public long Ciphertexts { get; private set; }

    /// <summary>Whether a block is new, an identical duplicate or a conflicting one; records nothing.</summary>
    public BlockArrival Inspect(int block, ReadOnlySpan<byte> ciphertexts, out byte[] digest)
    {
        digest = SHA256.HashData(ciphertexts);
        if (digests[block] is not { } seen)
        {
            return BlockArrival.New;
        }

        return seen.AsSpan().SequenceEqual(digest) ? BlockArrival.Duplicate : BlockArrival.Conflict;
    }

    /// <summary>Records a new block of <paramref name="count"/> ciphertexts by the digest <see cref="Inspect"/> gave.</summary>
    public void RecordDigest(int block, byte[] digest, int count)
    {
        if (digests[block] is not null)
        {
            throw new InvalidOperationException($"block {block} is already recorded");
        }

        digests[block] = digest;
        Recorded++;
        Ciphertexts += count;
    }

    /// <summary>The digest recorded for a block.</summary>
    public byte[] Digest(int block) => digests[block] ?? throw new InvalidOperationException($"block {block} is not recorded");

    /// <summary>Records a block this party sent.</summary>
    public void Record(int block, ReadOnlySpan<byte> ciphertexts, int count) => RecordDigest(block, SHA256.HashData(ciphertexts), count);

    public byte[] Transcript()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var digest in digests)
        {
            hash.AppendData(digest ?? []);
        }

        return hash.GetHashAndReset();
    }
}
