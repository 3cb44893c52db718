using Akka.Configuration;
using Akka.Configuration.Hocon;
using Duet.Actors;
using Duet.Host.Commands;
using Duet.Host.Networking;

namespace Duet.Host.Configuration;

/// <summary>
/// The keys a configuration file may set under <c>duet.</c>: those of the runtime's defaults (duet.conf) and those
/// the host reads. Anything else is a misspelling, refused with the nearest known key; <c>akka.*</c> passes through.
/// </summary>
internal static class ConfigKeys
{
    // Read by the host, not by PartySettings, so not in duet.conf.
    private static readonly string[] HostKeys =
    [
        PartyAddresses.ListenKey, PartyAddresses.PeerKey, "duet.party.key-file", LinkSecurity.CertificateKey, LinkSecurity.PeerPinsKey, LinkSecurity.PartyPinsKey,
        DeliveryTarget.ToKey, DeliveryTarget.PinsKey, CollectCommand.ListenKey, CollectCommand.LeftPinKey, CollectCommand.RightPinKey,
    ];

    // A dispatcher's section takes any of Akka's dispatcher keys.
    private const string FreeSection = "duet.worker-dispatcher";

    private static readonly Lazy<string[]> Known = new(() => [.. Leaves(DuetConfig.Defaults.Root, string.Empty).Where(k => k.StartsWith("duet.", StringComparison.Ordinal)), .. HostKeys]);

    /// <summary>Refuses the first key under <c>duet.</c> that no setting has, naming the nearest one that exists.</summary>
    public static void Check(Config file, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.IsEmpty)
        {
            return;
        }

        foreach (var key in Leaves(file.Root, string.Empty))
        {
            if (!key.StartsWith("duet.", StringComparison.Ordinal) && key != "duet"
                || Known.Value.Contains(key)
                || key == FreeSection || key.StartsWith(FreeSection + ".", StringComparison.Ordinal))
            {
                continue;
            }

            if (Known.Value.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)))
            {
                throw new UsageException($"{source}: {key} is a section ({key} {{ ... }}), not a value");
            }

            var nearest = NearestWord.Of(key, Known.Value);
            throw new UsageException($"{source}: unknown key {key} (did you mean {nearest}?)");
        }
    }

    /// <summary>The paths of a value's leaves (values that are not objects), depth first.</summary>
    private static IEnumerable<string> Leaves(HoconValue value, string path)
    {
        if (!value.IsObject())
        {
            yield return path;
            yield break;
        }

        var items = value.GetObject().Items;
        if (items.Count == 0 && path.Length > 0)
        {
            yield return path;
        }

        foreach (var (name, child) in items)
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            foreach (var leaf in Leaves(child, childPath))
            {
                yield return leaf;
            }
        }
    }
}
