namespace Duet.Host.Commands;

/// <summary>Where a command writes: results on <see cref="Out"/>, progress, notes and errors on <see cref="Error"/>.</summary>
/// <param name="LiveProgress">True when <see cref="Error"/> is an interactive terminal that can show a live bar.</param>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error, bool LiveProgress)
{
    /// <summary>The file Akka's log of the running command goes to, once the command has chosen it; a failure line
    /// names it when something was logged there.</summary>
    public string? LogFile { get; set; }

    /// <summary>A note or warning for the operator: one <c>duet:</c> line on stderr, never on stdout.</summary>
    public void Note(string kind, string text) => Error.WriteLine($"duet: {kind}: {text}");
}
