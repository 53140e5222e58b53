using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

public sealed class ReportWordingTests
{
    private static DownloadResult Stopped() => new("big.bin", DownloadOutcome.Stopped, null,
        new Dictionary<HolderAddress, int> { [new("127.0.0.5", 12666)] = 12 }, 108, 400, 12 * 65536, TimeSpan.FromSeconds(3), null);

    [Fact]
    public void A_stopped_download_says_how_many_pieces_are_kept_and_how_to_continue()
    {
        Assert.Equal("Stopped 'big.bin': 120 of 400 pieces verified and kept (from 1 peer: 127.0.0.5:12666 (12 pieces) this run); `request` continues it.",
            Report.Result(Stopped()));
        Assert.Equal("Stopped 'big.bin': 120 of 400 pieces verified and kept (from 1 peer: 127.0.0.5:12666 (12 pieces) this run); run the same command again to resume.",
            Report.Result(Stopped(), "run the same command again to resume"));
    }

    [Fact]
    public void A_failed_get_is_told_to_run_the_same_command_not_to_request()
    {
        var verified = PieceSet.Full(400);
        foreach (int missing in (int[])[7, 8, 9])
            verified.Remove(missing);
        var failed = new DownloadResult("big.bin", DownloadOutcome.Failed, null, new Dictionary<HolderAddress, int>(), 0, 400, 0, TimeSpan.FromSeconds(30),
            new DownloadFailure(DownloadFailureKind.PiecesUnavailable) { Verified = verified, Holders = 1, Waited = TimeSpan.FromSeconds(30) });

        string line = Report.Result(failed, "run the same command again to resume");

        Assert.Equal("Download of 'big.bin' failed: 3 of 400 pieces are missing (pieces 7-9): none of the 1 reachable holder(s) has them "
            + "(nothing to fetch for 30 s). The 397 verified pieces are kept; run the same command again to resume.", line);
        Assert.DoesNotContain("`request`", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_completed_download_names_the_liars_it_dropped_but_not_the_holders_that_had_gone()
    {
        // A tester saw a fellow downloader that had finished and exited named as 'dropped … Connection refused'.
        var dropped = new Dictionary<HolderAddress, HolderDrop>
        {
            [new HolderAddress("127.0.0.1", 4001)] = new(HolderDropKind.CouldNotConnect, "Connection refused"),
            [new HolderAddress("127.0.0.1", 4002)] = new(HolderDropKind.CorruptPiece, Piece: 3),
        };
        var done = new DownloadResult("big.bin", DownloadOutcome.Completed, "/tmp/big.bin", new Dictionary<HolderAddress, int>(), 0, 4, 4096, TimeSpan.FromSeconds(1), null)
        { DroppedPeers = dropped };

        string line = Report.Result(done, "run the same command again to resume");

        Assert.Contains("; dropped 127.0.0.1:4002 (it sent a corrupt piece 3", line, StringComparison.Ordinal);
        Assert.DoesNotContain("4001", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_download_says_so_at_the_start()
    {
        var progress = new DownloadProgress("big.bin", 100, 123, 400, 3 * 65536, TimeSpan.FromSeconds(1), 1, new Dictionary<HolderAddress, int> { [new("127.0.0.5", 12666)] = 3 });

        Assert.Equal("Resuming 'big.bin': 120 of 400 pieces already verified.", Report.Resuming(progress));
        Assert.Null(Report.Resuming(progress with { VerifiedPieces = 3 }));
    }

    [Fact]
    public void Holders_are_counted_in_words_not_with_a_parenthesised_plural()
    {
        Assert.Equal("1 holder", Report.Plural(1, "holder"));
        Assert.Equal("2 holders", Report.Plural(2, "holder"));
    }
}
