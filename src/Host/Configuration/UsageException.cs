namespace Duet.Host.Configuration;

/// <summary>A bad option value, option combination or configuration: the CLI prints the message and exits with 2.</summary>
internal sealed class UsageException(string message, Exception? innerException = null) : Exception(message, innerException);
