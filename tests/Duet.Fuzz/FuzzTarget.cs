namespace Duet.Fuzz;

/// <summary>One decoder of bytes from outside Duet: what it does with an input, which exceptions are its documented
/// ("typed") errors, and valid encodings to start mutating from. Any other exception, a hang or a process crash is
/// a finding.</summary>
public sealed class FuzzTarget(string name, Action<byte[]> decode, Func<Exception, bool> isTypedError, Func<IReadOnlyList<byte[]>> seeds)
{
    private readonly Lazy<IReadOnlyList<byte[]>> seeds = new(seeds);

    public string Name { get; } = name;

    /// <summary>Valid encodings: each decodes without error.</summary>
    public IReadOnlyList<byte[]> Seeds => seeds.Value;

    /// <summary>Decodes one input.</summary>
    /// <returns>True when it decoded, false when the decoder refused it with a typed error.</returns>
    /// <exception cref="Exception">Anything else the decoder threw: a finding, passed on unchanged.</exception>
    public bool Run(byte[] input) => Refusal(input) is null;

    /// <summary>Decodes one input.</summary>
    /// <returns>Null when it decoded, else the typed error the decoder refused it with.</returns>
    /// <exception cref="Exception">Anything else the decoder threw: a finding, passed on unchanged.</exception>
    public Exception? Refusal(byte[] input)
    {
        try
        {
            decode(input);
            return null;
        }
        catch (Exception error) when (isTypedError(error))
        {
            return error;
        }
    }

    public bool IsTypedError(Exception error) => isTypedError(error);

    public override string ToString() => Name;
}
