using System.Numerics;
using Duet.Crypto.Arithmetic;

namespace Duet.Benchmarks;

/// <summary>
/// The same ciphertexts raised to the same 64-bit scalars on each backend that loads, modulo the same n²: the
/// native/managed comparison inside one process (the key itself lives on one backend only).
/// </summary>
internal sealed class BackendPowers : IDisposable
{
    private const string Prefix = "scalar_mul_64@";

    private readonly List<(MontgomeryContext Context, Residue[] Bases, Residue Destination)> backends = [];

    public BackendPowers(BigInteger modulus, MontgomeryContext source, IReadOnlyList<Residue> ciphertexts, IReadOnlyList<BigInteger> exponents)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ArgumentNullException.ThrowIfNull(exponents);
        var operations = new List<(string, Action<int>)>();
        foreach (var name in new[] { Backends.Native, Backends.Managed })
        {
            var context = BackendChoice.TryCreate(modulus, name);
            if (context is null)
            {
                continue;
            }

            var bases = new Residue[ciphertexts.Count];
            for (var i = 0; i < bases.Length; i++)
            {
                bases[i] = context.NewResidue();
                context.Load(source.Store(ciphertexts[i]), bases[i]);
            }

            var destination = context.NewResidue();
            backends.Add((context, bases, destination));
            operations.Add((Prefix + name, i => context.Pow(bases[i % bases.Length], exponents[i % exponents.Count], destination)));
        }

        Operations = operations;
    }

    public IReadOnlyList<(string Name, Action<int> Operation)> Operations { get; }

    public static bool IsBackendEntry(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    public static string BackendOf(string name) => name[Prefix.Length..];

    public void Dispose()
    {
        foreach (var (context, bases, destination) in backends)
        {
            foreach (var b in bases)
            {
                b.Dispose();
            }

            destination.Dispose();
            context.Dispose();
        }
    }
}
