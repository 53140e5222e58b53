using System.Net;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Registry;

/// <summary>
/// A 0-byte file has no pieces (PROTOCOL.md §9), so "holds at least one piece" cannot be what makes
/// its holder able to serve it: §8.2 says a holder of an empty file counts as complete. Pinned here.
/// </summary>
public sealed class EmptyFileTests
{
    [Fact]
    public void An_empty_file_announced_by_a_serving_peer_is_listed_with_one_complete_holder_and_found()
    {
        var registry = new FileRegistry();
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));
        registry.Join(2, new IPEndPoint(IPAddress.Loopback, 5002));
        var empty = Files.Complete("empty.txt", "empty", length: 0);
        Assert.True(registry.Announce(1, [empty]).AllAccepted);

        var listed = Assert.Single(registry.List());
        Assert.Equal(new NetworkFile(empty.Id, "empty.txt", 0, 256, CompleteHolders: 1, PartialHolders: 0), listed);
        var holders = registry.WhoHas(2, empty.Id);
        Assert.NotNull(holders);
        Assert.Null(Assert.Single(holders.Peers).Have);
    }
}
