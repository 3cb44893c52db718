using Duet.Crypto;
using System.Text;
using Duet.Actors.Tiles;
using Duet.Crypto.MatMul;
using Duet.Crypto.Paillier;

namespace Duet.Actors.Cluster;

/// <summary>A worker node's kit for a session, built from its <see cref="NodeSetup"/> with the checks the session
/// itself applies: the key is validated (a private key as a loaded key file is), the peer's ciphertexts pass the
/// range and coprimality checks, and the evaluator's tables are built here, once per node.</summary>
internal static class NodeKit
{
    /// <summary>The kit, everything native in it owned by <paramref name="context"/>.</summary>
    /// <exception cref="ValidationException">The key or a ciphertext fails its check.</exception>
    public static TileKit Build(NodeSetup setup, TileContext context, PartySettings settings)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = setup.Plan;
        if (setup.IsEncryptor)
        {
            var key = PaillierPrivateKey.FromJson(Encoding.UTF8.GetString(setup.Key), settings.MinKeyBits);
            context.Own(key);
            CheckBits(key.PublicKey, plan);
            return EncryptorKit.For(plan, setup.Operand ?? throw new InvalidOperationException("an encryptor's set-up without its operand"), key, setup.Seed, null);
        }

        var publicKey = PaillierPublicKey.FromBytes(setup.Key, settings.MinKeyBits);
        context.Own(publicKey);
        CheckBits(publicKey, plan);
        var operands = ResidueArray.Create(publicKey, plan.EncryptedCount, context);
        publicKey.ReadCiphertexts(setup.Ciphertexts, operands);
        var bases = EvaluationBases.Build(plan, publicKey, operands, settings.TableMemoryBytes, settings.EffectiveWorkers);
        context.Own(bases);
        return new EvaluatorKit(plan, new Evaluator(publicKey), bases, setup.Seed, null);
    }

    private static void CheckBits(PaillierPublicKey key, PackingPlan plan)
    {
        if (key.Bits != plan.KeyBits)
        {
            throw new InvalidKeyException("bits", $"the set-up's key has {key.Bits} bits, its plan {plan.KeyBits}");
        }
    }
}
