using System.Numerics;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;

namespace P2PShare.Peer.Tests.Storage;

public sealed class PieceLengthPolicyTests
{
    private const long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

    [Theory]
    [InlineData(0L, 256 * KiB)]
    [InlineData(1L, 256 * KiB)]
    [InlineData(1 * GiB, 256 * KiB)]
    [InlineData(1 * GiB + 1, 512 * KiB)]
    [InlineData(2 * GiB, 512 * KiB)]
    [InlineData(4 * GiB, 1 * MiB)]
    [InlineData(32 * GiB, 8 * MiB)]
    [InlineData(1024 * GiB, 8 * MiB)]
    public void Piece_length_is_256_KiB_up_to_1_GiB_then_doubles_up_to_8_MiB(long fileLength, long expected)
    {
        Assert.Equal(expected, PieceLengthPolicy.Choose(fileLength));
    }

    [Fact]
    public void Piece_length_is_a_power_of_two_within_the_limit_and_keeps_pieces_under_8192_up_to_64_GiB()
    {
        for (long length = 1; length <= 64 * GiB; length = length * 3 / 2 + 7)
        {
            int pieceLength = PieceLengthPolicy.Choose(length);
            Assert.True(BitOperations.IsPow2(pieceLength), $"{pieceLength} for {length}");
            Assert.InRange(pieceLength, 256 * (int)KiB, ProtocolLimits.Default.MaxPieceLength);
            Assert.True((length + pieceLength - 1) / pieceLength <= 8192, $"{length} bytes in pieces of {pieceLength}");
        }
    }

    [Fact]
    public void Negative_length_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceLengthPolicy.Choose(-1));
    }
}
