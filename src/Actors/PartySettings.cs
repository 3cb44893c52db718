using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors;

/// <summary>Everything one party decides for a run, read once from HOCON (<c>duet { }</c>) and overridable in code.</summary>
public sealed record PartySettings
{
    public string Name { get; init; } = "party";

    /// <summary>Which operand of P = L·R this party holds.</summary>
    public OperandSide Side { get; init; } = OperandSide.Left;

    public RolePreference Role { get; init; } = RolePreference.Auto;

    /// <summary>Declared bound of this party's entries: |x| &lt; 2^InputBits (after fixed-point scaling).</summary>
    public int InputBits { get; init; } = 32;

    /// <summary>Fraction bits of this party's fixed-point entries; 0 for integers.</summary>
    public int FractionBits { get; init; }

    public ShareDomain Domain { get; init; } = ShareDomain.Ring64;

    public Reveal Reveal { get; init; } = Reveal.None;

    /// <summary>Modulus size this party uses when it is the encryptor.</summary>
    public int KeyBits { get; init; } = 3072;

    /// <summary>Smallest modulus accepted from the peer.</summary>
    public int MinKeyBits { get; init; } = PaillierPublicKey.MinimumBits;

    public int Sigma { get; init; } = PackingPlan.MinimumSigma;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Blocks in flight each way.</summary>
    public int Window { get; init; } = 8;

    /// <summary>Tile workers; 0 means one per core.</summary>
    public int Workers { get; init; }

    /// <summary>Memory the evaluator may spend on fixed-base tables.</summary>
    public long TableMemoryBytes { get; init; } = EvaluationBases.DefaultMemoryBudget;

    /// <summary>The key to use when this party encrypts; a fresh one of KeyBits is generated when absent.</summary>
    public PaillierPrivateKey? Key { get; init; }

    /// <summary>Test hook: when it returns true for (kind, index, attempt), that work item throws in its worker.</summary>
    internal Func<string, int, int, bool>? FaultInjection { get; init; }

    /// <summary>Test hook: sees (and may alter) the ciphertext bytes of each outgoing block before it is sent.</summary>
    internal Action<int, byte[]>? TamperOutgoing { get; init; }

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>Reads the <c>duet</c> block of a configuration (with the embedded defaults behind it).</summary>
    public static PartySettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.WithFallback(DuetConfig.Defaults);
        return new PartySettings
        {
            Name = c.GetString("duet.party.name", "party"),
            Side = ParseEnum<OperandSide>(c.GetString("duet.party.side", "left"), "duet.party.side"),
            InputBits = c.GetInt("duet.party.input-bits", 32),
            FractionBits = c.GetInt("duet.party.frac-bits", 0),
            Role = ParseEnum<RolePreference>(c.GetString("duet.session.role", "auto"), "duet.session.role"),
            Domain = ParseEnum<ShareDomain>(c.GetString("duet.session.share-domain", "ring64"), "duet.session.share-domain"),
            Reveal = ParseEnum<Reveal>(c.GetString("duet.session.reveal", "none"), "duet.session.reveal"),
            KeyBits = c.GetInt("duet.session.key-bits", 3072),
            MinKeyBits = c.GetInt("duet.session.min-key-bits", PaillierPublicKey.MinimumBits),
            Sigma = c.GetInt("duet.session.sigma", PackingPlan.MinimumSigma),
            Timeout = c.GetTimeSpan("duet.session.timeout", TimeSpan.FromSeconds(60)),
            Window = c.GetInt("duet.flow.window", 8),
            Workers = c.GetInt("duet.workers", 0),
            TableMemoryBytes = c.GetByteSize("duet.evaluator.table-memory") ?? EvaluationBases.DefaultMemoryBudget,
        };
    }

    /// <summary>Parses "to-left", "ring64", "encryptor"... into an enum member, naming the key on failure.</summary>
    public static T ParseEnum<T>(string text, string key)
        where T : struct, Enum
    {
        var normalised = (text ?? string.Empty).Replace("-", string.Empty, StringComparison.Ordinal);
        if (Enum.TryParse<T>(normalised, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(normalised, out _))
        {
            return value;
        }

        var names = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        throw new ArgumentException($"{key} = '{text}' is not one of: {names}.");
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

        if (Window < 1)
        {
            throw new ArgumentException($"the flow window must be at least 1, got {Window}.");
        }

        if (Key is null && KeyBits < MinKeyBits)
        {
            throw new ArgumentException($"key bits {KeyBits} are below the minimum {MinKeyBits}.");
        }
    }
}
