using System.Net;
using P2PShare.Net;

namespace P2PShare.Net.Tests;

/// <summary>Interface address arithmetic discovery relies on; documentation ranges as data, no traffic.</summary>
public sealed class LinkInterfaceTests
{
    [Theory]
    [InlineData("198.51.100.3", 24, "198.51.100.255")]
    [InlineData("203.0.113.9", 16, "203.0.255.255")]
    [InlineData("198.51.100.3", 32, "198.51.100.3")]
    public void The_directed_broadcast_of_an_interface_address(string address, int prefix, string broadcast) =>
        Assert.Equal(IPAddress.Parse(broadcast), LinkInterface.BroadcastOf(IPAddress.Parse(address), prefix));

    [Fact]
    public void The_slash_24_sweep_covers_253_hosts_and_leaves_out_our_own_network_and_broadcast_addresses()
    {
        var hosts = LinkInterface.Slash24Of(IPAddress.Parse("203.0.113.9")).ToList();

        Assert.Equal(253, hosts.Count);
        Assert.Equal(IPAddress.Parse("203.0.113.1"), hosts[0]);
        Assert.Equal(IPAddress.Parse("203.0.113.254"), hosts[^1]);
        Assert.DoesNotContain(IPAddress.Parse("203.0.113.9"), hosts);
    }
}
