using Akka.Configuration;

namespace Duet.Actors.Delivery;

/// <summary>The settings of a delivery to the collector and of the collector itself, read once from HOCON.</summary>
public sealed record DeliverySettings
{
    /// <summary>A sender whose collector has not answered for this long gives up (<c>duet.delivery.timeout</c>).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The collector waits this long for both shares (<c>duet.collect.wait</c>; 0 waits forever).</summary>
    public required TimeSpan Wait { get; init; }

    /// <summary>Runs a sender has in flight beyond the collector's receipts (<c>duet.flow.window</c>).</summary>
    public required int Window { get; init; }

    /// <summary>Largest payload of one run (<c>duet.flow.block-bytes</c>).</summary>
    public required int BlockBytes { get; init; }

    /// <summary>The largest product the collector accepts (<c>duet.limits.max-product-entries</c>).</summary>
    public required long MaxProductEntries { get; init; }

    public static DeliverySettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = new TypedConfig(config.WithFallback(DuetConfig.Defaults));
        var settings = new DeliverySettings
        {
            Timeout = c.GetTimeSpan("duet.delivery.timeout"),
            Wait = c.GetTimeSpan("duet.collect.wait"),
            Window = c.GetInt("duet.flow.window"),
            BlockBytes = c.GetInt("duet.flow.block-bytes"),
            MaxProductEntries = c.GetLong("duet.limits.max-product-entries"),
        };
        if (settings.Timeout <= TimeSpan.Zero || settings.Window < 1 || settings.BlockBytes < 1 || settings.MaxProductEntries < 1)
        {
            throw new ArgumentException("duet.delivery.timeout, duet.flow.window, duet.flow.block-bytes and duet.limits.max-product-entries must be positive.");
        }

        return settings;
    }
}
