using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Duet.Actors.Cluster;
using Duet.Actors.Transport;

namespace Duet.Actors;

/// <summary>
/// A party's two trust domains, one actor system each. <see cref="Peer"/> listens for the peer only (peer pins only)
/// and hosts the gateway and the session, decoding nothing but the peer protocol. <see cref="Party"/> hosts the tile
/// coordinator and workers: local-only for a party of one node, or, with <c>duet.cluster.enabled</c>, the party's
/// cluster on its own listener (<c>duet.cluster.listen</c>) that accepts only the party's node pins. The session
/// bridges the two in-process, so the peer never reaches a worker and a worker node never sees the peer's link.
/// </summary>
internal sealed class PartySystems
{
    /// <summary>Logging and shutdown settings every Duet actor system starts from.</summary>
    internal static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    private PartySystems(ActorSystem peer, ActorSystem party)
    {
        Peer = peer;
        Party = party;
    }

    public ActorSystem Peer { get; }

    public ActorSystem Party { get; }

    /// <summary>Starts both systems of a party on the endpoint; the party's cluster, when configured, is not joined yet
    /// (<see cref="JoinClusterAsync"/>).</summary>
    public static PartySystems Create(PartyEndpoint endpoint, Config? extra)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var own = PartyCluster.Enabled(extra)
            ? PartyCluster.StartSessionNode(endpoint, extra)
            : Start(PartyCluster.SystemName, LocalConfig(extra), tls: null);
        try
        {
            return new PartySystems(DuetParty.CreateSystem(endpoint, extra), own);
        }
        catch
        {
            own.Dispose();
            throw;
        }
    }

    /// <summary>An actor system with the party's TLS in its set-up when it has one.</summary>
    internal static ActorSystem Start(string name, Config config, PartyTls? tls)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        return tls is null
            ? ActorSystem.Create(name, ActorSystemSetup.Create(bootstrap))
            : ActorSystem.Create(name, ActorSystemSetup.Create(bootstrap, tls.Setup()));
    }

    /// <summary>The party's own system of a single-node party: no remoting at all, so nothing outside the process
    /// can address its coordinator or workers.</summary>
    internal static Config LocalConfig(Config? extra) =>
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(extra ?? Config.Empty).WithFallback(Quiet).WithFallback(DuetConfig.Defaults);

    /// <summary>A clustered party's session node founds its cluster (joins itself); a single node has nothing to join.</summary>
    public async Task JoinClusterAsync(CancellationToken cancellationToken)
    {
        if (PartyCluster.IsClustered(Party))
        {
            var cluster = Akka.Cluster.Cluster.Get(Party);
            await cluster.JoinAsync(cluster.SelfAddress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the peer-facing system first (no more peer messages), then the party's own.</summary>
    public async Task ShutdownAsync()
    {
        try
        {
            await CoordinatedShutdown.Get(Peer).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        }
        finally
        {
            await CoordinatedShutdown.Get(Party).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            Peer.Dispose();
            Party.Dispose();
        }
    }
}
