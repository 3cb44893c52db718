using System.Reflection;
using Akka.Configuration;

namespace Duet.Actors;

/// <summary>The HOCON defaults of the Actors floor (duet.conf, embedded): the wire serializer binding,
/// remoting frame sizes, the worker dispatcher and the <c>duet { }</c> keys. Hosts put their own configuration
/// in front: <c>hostConfig.WithFallback(DuetConfig.Defaults)</c>.</summary>
public static class DuetConfig
{
    private const string ResourceName = "Duet.Actors.duet.conf";

    private static readonly Lazy<Config> LazyDefaults = new(Load);

    public static Config Defaults => LazyDefaults.Value;

    private static Config Load()
    {
        using var stream = typeof(DuetConfig).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(DuetConfig).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
