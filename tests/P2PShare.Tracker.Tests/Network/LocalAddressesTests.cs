using System.Net;
using System.Net.Sockets;
using P2PShare.Tracker.Network;

namespace P2PShare.Tracker.Tests.Network;

public sealed class LocalAddressesTests
{
    [Fact]
    public void Local_addresses_are_ipv4_and_never_loopback()
    {
        var addresses = LocalAddresses.NonLoopbackIPv4();

        Assert.All(addresses, a => Assert.Equal(AddressFamily.InterNetwork, a.AddressFamily));
        Assert.DoesNotContain(addresses, IPAddress.IsLoopback);
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    public void Only_the_any_addresses_listen_everywhere(string address, bool any) =>
        Assert.Equal(any, LocalAddresses.IsAnyAddress(IPAddress.Parse(address)));
}
