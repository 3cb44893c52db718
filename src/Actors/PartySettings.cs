using Duet.Crypto.Schemes;
using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Actors.Tiles;
using Duet.Actors.Wire;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors;

/// <summary>Everything one party decides for a run, read once from HOCON (<c>duet { }</c>) and overridable in code.
/// Every default lives in duet.conf: start from <see cref="Defaults"/> or <see cref="FromConfig"/>.</summary>
public sealed record PartySettings
{
    private static readonly Lazy<PartySettings> LazyDefaults = new(() => FromConfig(Config.Empty));

    private PartySettings()
    {
    }

    /// <summary>The settings of the embedded duet.conf.</summary>
    public static PartySettings Defaults => LazyDefaults.Value;

    public required string Name { get; init; }

    /// <summary>Which operand of P = L·R this party holds.</summary>
    public required OperandSide Side { get; init; }

    public required RolePreference Role { get; init; }

    /// <summary>Declared bound of this party's entries: |x| &lt; 2^InputBits (after fixed-point scaling).</summary>
    public required int InputBits { get; init; }

    /// <summary>Fraction bits of this party's fixed-point entries; 0 for integers.</summary>
    public required int FractionBits { get; init; }

    public required ShareDomain Domain { get; init; }

    public required Reveal Reveal { get; init; }

    /// <summary>The homomorphic scheme (<c>duet.session.scheme</c>); the peer must ask for the same.</summary>
    public required Scheme Scheme { get; init; }

    /// <summary>Modulus size this party uses when it is the encryptor.</summary>
    public required int KeyBits { get; init; }

    /// <summary>Smallest modulus accepted from the peer.</summary>
    public required int MinKeyBits { get; init; }

    /// <summary>Form of a key this party generates for a session (<c>duet.session.key-form</c>); a given
    /// <see cref="Key"/> has its own.</summary>
    public required KeyForm KeyForm { get; init; }

    /// <summary>Whether this party, as the evaluator, accepts an encryptor's key of the fast form
    /// (<c>duet.session.accept-fast-key</c>): the key owner's form shortens this party's re-randomisers.</summary>
    public required bool AcceptFastKey { get; init; }

    /// <summary>The link's speed in Mbit/s as this party sees it (<c>duet.session.link-mbps</c>): BFV's plan weighs bytes by
    /// the slower of the two parties' hints.</summary>
    public int LinkMbps { get; init; } = ProductShape.DefaultLinkMbps;

    public required int Sigma { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>How long a listener waits for its peer to call; zero waits forever (<c>duet.session.peer-wait</c>).</summary>
    public required TimeSpan PeerWait { get; init; }

    /// <summary>Version of the protocol announced in Hello (<c>duet.protocol-version</c>).</summary>
    public required int ProtocolVersion { get; init; }

    /// <summary>Blocks in flight each way.</summary>
    public required int Window { get; init; }

    /// <summary>Target payload bytes of one block or revealed-share message (<c>duet.flow.block-bytes</c>).</summary>
    public required int BlockBytes { get; init; }

    /// <summary>Tile workers; 0 means one per core.</summary>
    public required int Workers { get; init; }

    /// <summary>Memory the evaluator may spend on its tables (combs or fixed-base tables).</summary>
    public required long TableMemoryBytes { get; init; }

    /// <summary>The fraction of tiles from other nodes the session node computes again and compares
    /// (<c>duet.cluster.recheck</c>).</summary>
    public required double RecheckFraction { get; init; }

    /// <summary>What this party accepts from a peer's hello (<c>duet.limits</c>).</summary>
    public required SessionLimits Limits { get; init; }

    /// <summary>The key to use when this party encrypts; a fresh one of KeyBits is generated (and disposed with the
    /// session) when absent. The caller keeps ownership of a key given here.</summary>
    public PaillierPrivateKey? Key { get; init; }

    /// <summary>Resumes an interrupted session (<c>duet party --resume</c>): its id, hellos and the tiles this party
    /// committed, from the host's journal; null for a new session. Streamed runs only (no reveal).</summary>
    public SessionResume? Resume { get; init; }

    /// <summary>Test hook: a tile for which it returns true throws in its worker.</summary>
    internal Func<Tile, bool>? FaultInjection { get; init; }

    /// <summary>Test hook: sees (and may alter) the ciphertext bytes of each outgoing block before it is sent.</summary>
    internal Action<int, byte[]>? TamperOutgoing { get; init; }

    /// <summary>Test hook: runs on the table-build thread just before the evaluator builds its tables.</summary>
    internal Action? BeforeTableBuild { get; init; }

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>Reads the <c>duet</c> block of a configuration (with the embedded defaults behind it).</summary>
    public static PartySettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = new TypedConfig(config.WithFallback(DuetConfig.Defaults));
        return new PartySettings
        {
            Name = c.GetString("duet.party.name"),
            Side = ParseEnum<OperandSide>(c.GetString("duet.party.side"), "duet.party.side"),
            InputBits = c.GetInt("duet.party.input-bits"),
            FractionBits = c.GetInt("duet.party.frac-bits"),
            Role = ParseEnum<RolePreference>(c.GetString("duet.session.role"), "duet.session.role"),
            Domain = ParseEnum<ShareDomain>(c.GetString("duet.session.share-domain"), "duet.session.share-domain"),
            Reveal = ParseEnum<Reveal>(c.GetString("duet.session.reveal"), "duet.session.reveal"),
            Scheme = ParseEnum<Scheme>(c.GetString("duet.session.scheme"), "duet.session.scheme"),
            KeyBits = c.GetInt("duet.session.key-bits"),
            MinKeyBits = c.GetInt("duet.session.min-key-bits"),
            KeyForm = ParseEnum<KeyForm>(c.GetString("duet.session.key-form"), "duet.session.key-form"),
            AcceptFastKey = c.GetBoolean("duet.session.accept-fast-key"),
            LinkMbps = c.GetInt("duet.session.link-mbps"),
            Sigma = c.GetInt("duet.session.sigma"),
            Timeout = c.GetTimeSpan("duet.session.timeout"),
            PeerWait = c.GetTimeSpan("duet.session.peer-wait"),
            ProtocolVersion = c.GetInt("duet.protocol-version"),
            Window = c.GetInt("duet.flow.window"),
            BlockBytes = c.GetInt("duet.flow.block-bytes"),
            Workers = c.GetInt("duet.workers"),
            TableMemoryBytes = Size(c, "duet.evaluator.table-memory"),
            RecheckFraction = c.GetFraction("duet.cluster.recheck"),
            Limits = new SessionLimits
            {
                MaxDimension = c.GetLong("duet.limits.max-dimension"),
                MaxOperandEntries = c.GetLong("duet.limits.max-operand-entries"),
                MaxProductEntries = c.GetLong("duet.limits.max-product-entries"),
                MaxStreamedProductEntries = c.GetLong("duet.limits.max-streamed-product-entries"),
                MemoryBudgetBytes = Size(c, "duet.limits.memory-budget"),
                FrameBytes = Size(c, "akka.remote.dot-netty.tcp.maximum-frame-size"),
            },
        };
    }

    private static long Size(TypedConfig c, string key) => c.GetByteSize(key);

    /// <summary>The words an option or key of this enum accepts: its members in lower case ("left", "ring64", ...).</summary>
    public static string[] Words<T>()
        where T : struct, Enum => [.. Enum.GetNames<T>().Select(n => n.ToLowerInvariant())];

    /// <summary>The one parser of option words, for the command line and HOCON alike, naming the key on failure.</summary>
    public static T ParseEnum<T>(string text, string key)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new ArgumentException($"{key} = '{text}' is not one of: {string.Join(", ", Words<T>())}.");
    }

    /// <summary>The settings' own consistency, checked before anything is sent.</summary>
    public void Validate()
    {
        if (InputBits is < 1 or > FixedPoint.MaxInputBits)
        {
            throw new ArgumentException($"input bits must lie in [1, {FixedPoint.MaxInputBits}], got {InputBits}.");
        }

        if (FractionBits < 0 || FractionBits >= InputBits)
        {
            throw new ArgumentException($"fraction bits must lie in [0, input bits), got {FractionBits}.");
        }

        if (Sigma < PackingPlan.MinimumSigma)
        {
            throw new ArgumentException($"sigma must be at least {PackingPlan.MinimumSigma}, got {Sigma}.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"duet.session.timeout must be longer than zero, got {Timeout}.");
        }

        if (LinkMbps is < 1 or > ProductShape.MaxLinkMbps)
        {
            throw new ArgumentException($"duet.session.link-mbps must lie in [1, {ProductShape.MaxLinkMbps}], got {LinkMbps}.");
        }

        if (BlockBytes < 1)
        {
            throw new ArgumentException($"the block size must be at least 1 byte, got {BlockBytes}.");
        }

        if (BlockBytes + SignedIntegerCodec.MaxValueBytes + 2 > Limits.PayloadBytes)
        {
            throw new ArgumentException(
                $"duet.flow.block-bytes = {BlockBytes} leaves no room in the {Limits.FrameBytes}-byte transport frame (akka.remote.dot-netty.tcp.maximum-frame-size); lower it or raise the frame.");
        }

        if (Window < 1)
        {
            throw new ArgumentException($"the flow window must be at least 1, got {Window}.");
        }

        if (MinKeyBits < PaillierPublicKey.MinimumBits && !Limits.AllowTestKeySizes)
        {
            throw new ArgumentException($"duet.session.min-key-bits = {MinKeyBits} is below {PaillierPublicKey.MinimumBits}; keys under {PaillierPublicKey.MinimumBits} bits are never accepted.");
        }

        if (Key is null && KeyForm == KeyForm.Fast && !FastKeyForm.SupportedBits.Contains(KeyBits) && !Limits.AllowTestKeySizes)
        {
            throw new ArgumentException($"duet.session.key-form = fast supports key-bits 2048 or 3072, not {KeyBits}.");
        }

        if (Key is null && KeyBits < MinKeyBits)
        {
            throw new ArgumentException($"key bits {KeyBits} are below the minimum {MinKeyBits}.");
        }
    }
}
