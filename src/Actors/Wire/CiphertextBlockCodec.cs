namespace Duet.Actors.Wire;

/// <summary>The payload of <see cref="Protocol.EncryptedBlock"/> and <see cref="Protocol.ResultBlock"/>: ciphertexts as
/// fixed-width unsigned big-endian values, concatenated (written and read by the Paillier key).</summary>
public static class CiphertextBlockCodec
{
    /// <summary>True if <paramref name="length"/> bytes hold exactly <paramref name="count"/> ciphertexts of
    /// <paramref name="width"/> bytes.</summary>
    public static bool IsValidLayout(int count, int width, int length) =>
        count >= 0 && width > 0 && (long)count * width == length;
}
