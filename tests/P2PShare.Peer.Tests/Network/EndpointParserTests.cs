using P2PShare.Peer.Network;

namespace P2PShare.Peer.Tests.Network;

public sealed class EndpointParserTests
{
    [Theory]
    [InlineData("127.0.0.1:12500", "127.0.0.1", 12500)]
    [InlineData("localhost", "localhost", 12500)]
    [InlineData("[::1]:4000", "::1", 4000)]
    [InlineData("tracker.lan:80", "tracker.lan", 80)]
    public void Valid_addresses_parse(string text, string host, int port)
    {
        Assert.True(EndpointParser.TryParse(text, 12500, out var h, out var p, out var error), error);
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:abc")]
    [InlineData(":12500")]
    [InlineData("[::1")]
    public void Invalid_addresses_are_refused_with_a_reason(string text)
    {
        Assert.False(EndpointParser.TryParse(text, 12500, out _, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
