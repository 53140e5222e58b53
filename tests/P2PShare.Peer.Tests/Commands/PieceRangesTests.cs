using P2PShare.Peer.Commands;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Commands;

public sealed class PieceRangesTests
{
    [Theory]
    [InlineData(new int[0], 10, "pieces 0-9")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, "piece 9")]
    [InlineData(new[] { 0, 1, 5, 9 }, 10, "pieces 2-4, 6-8")]
    [InlineData(new[] { 1, 3, 5, 7, 9 }, 10, "pieces 0, 2, 4, 6, 8")]
    public void Missing_pieces_are_folded_into_ranges(int[] verified, int count, string expected)
    {
        var set = new PieceSet(count);
        foreach (int piece in verified)
            set.Add(piece);

        Assert.Equal(expected, PieceRanges.Missing(set, maxRanges: 10));
    }

    [Fact]
    public void Past_the_limit_the_rest_is_counted_not_listed()
    {
        var set = new PieceSet(100);
        for (int i = 0; i < 100; i += 2)
            set.Add(i); // every odd piece missing: 50 ranges of one

        Assert.Equal("pieces 1, 3, 5 and 47 more in 47 other ranges", PieceRanges.Missing(set, maxRanges: 3));
    }
}
