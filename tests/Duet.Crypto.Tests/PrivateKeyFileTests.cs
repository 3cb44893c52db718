using Duet.Crypto.Paillier;

namespace Duet.Crypto.Tests;

/// <summary>Regressions found by fuzzing the key file decoder (tests/Duet.Fuzz): valid JSON of the wrong shape escaped
/// as ArgumentException or InvalidOperationException from System.Text.Json instead of the typed key error.</summary>
public class PrivateKeyFileTests
{
    [Theory]
    [InlineData("""{"format": "duet-paillier-private-key", "p": "b", "p": "d", "q": "7", "hs": "2"}""")]
    [InlineData("""{"format": "duet-paillier-private-key", "format": "duet-paillier-private-key"}""")]
    [InlineData("""["duet-paillier-private-key"]""")]
    [InlineData("""{"format": 1}""")]
    [InlineData("""{"format": {"a": 1}}""")]
    [InlineData("""{"format": "duet-paillier-private-key", "p": ["b"], "q": "7", "hs": "2"}""")]
    [InlineData("""{"format": "duet-paillier-private-key", "p": "b", "q": 7, "hs": "2"}""")]
    [InlineData("\"duet-paillier-private-key\"")]
    [InlineData("null")]
    public void WrongShapeIsAFormatError(string json)
    {
        var error = Assert.Throws<InvalidKeyException>(() => PaillierPrivateKey.FromJson(json));
        Assert.Equal("format", error.Check);
    }
}
