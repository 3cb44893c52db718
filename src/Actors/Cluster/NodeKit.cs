using Duet.Actors.Tiles;
using Duet.Crypto;
using Duet.Crypto.Schemes;

namespace Duet.Actors.Cluster;

/// <summary>A worker node's kit for a session, built from its <see cref="NodeSetup"/> through the scheme with the
/// checks the session itself applies: the secret key is loaded as a resume loads it, the peer's key and ciphertexts
/// pass the scheme's checks, and the evaluator's preparation (Paillier's tables) is built here, once per node.</summary>
internal static class NodeKit
{
    /// <summary>The kit, its kernels owned by <paramref name="context"/>.</summary>
    /// <exception cref="ValidationException">The key or a ciphertext fails its check.</exception>
    public static TileKit Build(NodeSetup setup, TileContext context, PartySettings settings)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = setup.Plan;
        var scheme = MatrixSchemes.Of(plan.Scheme);
        if (setup.IsEncryptor)
        {
            var y = setup.Operand ?? throw new InvalidOperationException("an encryptor's set-up without its operand");
            var encryptor = scheme.CreateEncryptor(plan, y, new EncryptorKeying(setup.Seed, setup.Key, null, default, settings.MinKeyBits));
            context.Own(encryptor);
            return new EncryptorKit(encryptor, null);
        }

        // The session node accepted the key's form under its own policy; a node holds the key to every check of its own.
        var evaluator = scheme.CreateEvaluator(plan, setup.Key, new EvaluatorPolicy(settings.MinKeyBits, AcceptFastKey: true, Announced: null));
        context.Own(evaluator);
        evaluator.Absorb(0, plan.EncryptedCount, setup.Ciphertexts);
        evaluator.Prepare(settings.TableMemoryBytes, settings.EffectiveWorkers);
        return new EvaluatorKit(evaluator, setup.Seed, null);
    }
}
