using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests;

/// <summary>One test-size key shared by a test class; generating keys is the slow part of these tests.</summary>
public sealed class KeyFixture : IDisposable
{
    public PaillierPrivateKey Key { get; } = PaillierKeyGenerator.Generate(1024, allowTestSizes: true);

    public void Dispose() => Key.Dispose();
}
