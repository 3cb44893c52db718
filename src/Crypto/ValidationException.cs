namespace Duet.Crypto;

/// <summary>A value received from the other party failed a check of docs/protocol.md §9.</summary>
public abstract class ValidationException(string check, string message) : Exception(message)
{
    /// <summary>Short name of the check that failed, e.g. "modulus-size".</summary>
    public string Check { get; } = check;
}

public sealed class InvalidKeyException(string check, string message) : ValidationException(check, message);

public sealed class InvalidCiphertextException(string check, string message) : ValidationException(check, message);

/// <summary>A decrypted result has bits where the agreed plan leaves none: a faulty or cheating evaluator (docs/protocol.md §9).</summary>
public sealed class InvalidPlaintextException(string check, string message) : ValidationException(check, message);
