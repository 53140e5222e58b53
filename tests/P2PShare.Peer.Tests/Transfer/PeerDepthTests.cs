using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Tests.Transfer;

public sealed class PeerDepthTests
{
    private const int PieceLength = 256 * 1024;

    [Fact]
    public void Slow_peer_gets_only_the_minimum_depth()
    {
        var depth = new PeerDepth(8);
        for (int i = 0; i < 10; i++)
            depth.Replied(PieceLength, TimeSpan.FromMilliseconds(50), PieceLength); // 5 MB/s
        Assert.Equal(2, depth.Depth);
    }

    [Fact]
    public void Fast_peer_keeps_the_maximum_depth()
    {
        var depth = new PeerDepth(8);
        Assert.Equal(8, depth.Depth);
        for (int i = 0; i < 10; i++)
            depth.Replied(PieceLength, TimeSpan.FromMilliseconds(1), PieceLength); // 260 MB/s
        Assert.Equal(8, depth.Depth);
    }

    [Fact]
    public void Peer_that_slows_down_loses_depth_and_regains_it_when_fast_again()
    {
        var depth = new PeerDepth(8);
        for (int i = 0; i < 30; i++)
            depth.Replied(PieceLength, TimeSpan.FromMilliseconds(100), PieceLength);
        Assert.Equal(2, depth.Depth);
        for (int i = 0; i < 30; i++)
            depth.Replied(PieceLength, TimeSpan.FromMilliseconds(2), PieceLength);
        Assert.Equal(8, depth.Depth);
    }

    [Theory]
    [InlineData(8, 5, false)]
    [InlineData(8, 4, true)]
    [InlineData(8, 0, true)]
    [InlineData(2, 2, false)]
    [InlineData(2, 1, true)]
    [InlineData(1, 1, false)]
    [InlineData(1, 0, true)]
    public void Requests_are_refilled_in_batches_once_half_the_window_has_drained(int maximum, int outstanding, bool refill)
    {
        var depth = new PeerDepth(maximum);
        Assert.Equal(refill, depth.ShouldRefill(outstanding));
    }
}
