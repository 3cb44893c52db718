namespace Duet.Crypto.Encoding;

/// <summary>An input matrix or parameter set that cannot be encoded; the message names the entry or the reason.</summary>
public sealed class EncodingException(string message) : Exception(message);
