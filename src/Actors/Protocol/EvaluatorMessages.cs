namespace Duet.Actors.Protocol;

// Sent by the Evaluator to the Encryptor.

/// <summary>A run of masked, re-randomised result ciphertexts R[g] (docs/protocol.md §5), one per row group and
/// column group, in the plan's flat ordering of results.</summary>
public sealed record ResultBlock(Guid SessionId, int BlockIndex, int FirstIndex, int Count, int Width, byte[] Ciphertexts)
    : CiphertextBlock(SessionId, BlockIndex, FirstIndex, Count, Width, Ciphertexts);
