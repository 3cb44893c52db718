using Duet.Crypto.Schemes;
using Akka.Configuration;
using Duet.Actors.Protocol;
using Duet.Crypto.Encoding;
using Duet.Crypto.MatMul;

namespace Duet.Actors.Tests;

public sealed class PartySettingsTests
{
    [Fact]
    public void DefaultsComeFromTheEmbeddedConfiguration()
    {
        var settings = PartySettings.FromConfig(ConfigurationFactory.Empty);
        Assert.Equal(OperandSide.Left, settings.Side);
        Assert.Equal(32, settings.InputBits);
        Assert.Equal(ShareDomain.Ring64, settings.Domain);
        Assert.Equal(Reveal.None, settings.Reveal);
        Assert.Equal(3072, settings.KeyBits);
        Assert.Equal(2048, settings.MinKeyBits);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Timeout);
        Assert.Equal(8, settings.Window);
        Assert.Equal(512L << 20, settings.TableMemoryBytes);
        Assert.Equal((8, 262144), (settings.ProtocolVersion, settings.BlockBytes));
        Assert.Equal(1000, settings.LinkMbps);
        Assert.Equal(Scheme.Bfv, settings.Scheme);
        Assert.Equal(settings, PartySettings.Defaults);
    }

    [Fact]
    public void OneVocabularyOfWordsForEveryChoice()
    {
        Assert.Equal(["none", "left", "right", "both"], PartySettings.Words<Reveal>());
        Assert.Equal(Reveal.Right, PartySettings.ParseEnum<Reveal>("RIGHT", "--reveal"));
        Assert.Equal(ShareDomain.Integer, PartySettings.ParseEnum<ShareDomain>("integer", "--share"));
        var error = Assert.Throws<ArgumentException>(() => PartySettings.ParseEnum<Reveal>("to-left", "--reveal"));
        Assert.Contains("none, left, right, both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var config = ConfigurationFactory.ParseString("""
            duet.party { name = bank, side = right, input-bits = 40, frac-bits = 16 }
            duet.session { role = encryptor, share-domain = integer, reveal = left, key-bits = 2048, min-key-bits = 3072, sigma = 60, timeout = 5s, accept-fast-key = on, link-mbps = 250 }
            duet.flow { window = 3, block-bytes = 1000 }
            duet.protocol-version = 8
            duet.workers = 5
            duet.evaluator.table-memory = 1MiB
            """);
        var s = PartySettings.FromConfig(config);
        Assert.Equal(("bank", OperandSide.Right, 40, 16), (s.Name, s.Side, s.InputBits, s.FractionBits));
        Assert.Equal((RolePreference.Encryptor, ShareDomain.Integer, Reveal.Left), (s.Role, s.Domain, s.Reveal));
        Assert.Equal((2048, 3072, 60, TimeSpan.FromSeconds(5)), (s.KeyBits, s.MinKeyBits, s.Sigma, s.Timeout));
        Assert.Equal((3, 5, 1L << 20), (s.Window, s.Workers, s.TableMemoryBytes));
        Assert.Equal((8, 1000, 250), (s.ProtocolVersion, s.BlockBytes, s.LinkMbps));
        Assert.True(s.AcceptFastKey);
        Assert.False(PartySettings.Defaults.AcceptFastKey);
    }

    [Fact]
    public void BadValuesNameTheirKey()
    {
        var error = Assert.Throws<ArgumentException>(() => PartySettings.FromConfig(ConfigurationFactory.ParseString("duet.session.reveal = everyone")));
        Assert.Contains("duet.session.reveal", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PartySettings.FromConfig(ConfigurationFactory.ParseString("duet.party.side = 1")));
        Assert.Contains("duet.session.accept-fast-key", Assert.Throws<ArgumentException>(() => PartySettings.FromConfig(ConfigurationFactory.ParseString("duet.session.accept-fast-key = maybe"))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (PartySettings.Defaults with { Sigma = 39 }).Validate());
        Assert.Contains("duet.session.link-mbps", Assert.Throws<ArgumentException>(() => (PartySettings.Defaults with { LinkMbps = 0 }).Validate()).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (PartySettings.Defaults with { InputBits = 64 }).Validate());
        Assert.Throws<ArgumentException>(() => (PartySettings.Defaults with { KeyBits = 1024 }).Validate());
    }
}
