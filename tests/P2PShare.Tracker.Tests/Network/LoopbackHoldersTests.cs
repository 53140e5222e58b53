using System.Net;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Network;

namespace P2PShare.Tracker.Tests.Network;

public sealed class LoopbackHoldersTests
{
    private static readonly Holders Two = new(FileId.FromBytes(new byte[32]), "big.bin", 10, 4,
        [new HolderEntry("127.0.0.1", 41000, null), new HolderEntry("198.51.100.20", 42000, null)]);

    [Fact]
    public void A_holder_beside_the_tracker_is_given_to_a_remote_asker_as_the_trackers_own_address()
    {
        var seen = LoopbackHolders.AsSeenBy(Two, IPAddress.Parse("198.51.100.30"), IPAddress.Parse("198.51.100.1"));

        Assert.Equal(["198.51.100.1:41000", "198.51.100.20:42000"], seen.Peers.Select(p => p.Endpoint));
    }

    [Fact]
    public void An_asker_on_the_trackers_machine_gets_loopback_as_it_is()
    {
        Assert.Same(Two, LoopbackHolders.AsSeenBy(Two, IPAddress.Loopback, IPAddress.Loopback));
        Assert.Equal("198.51.100.1:41000", LoopbackHolders.AsSeenBy(Two, IPAddress.Parse("::ffff:198.51.100.30"), IPAddress.Parse("::ffff:198.51.100.1")).Peers[0].Endpoint);
    }
}
