namespace Duet.Host.Commands;

/// <summary>Where a command writes: results on <see cref="Out"/>, progress and errors on <see cref="Error"/>.</summary>
/// <param name="LiveProgress">True when <see cref="Error"/> is an interactive terminal that can show a live bar.</param>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error, bool LiveProgress);
