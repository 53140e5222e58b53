using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>Every reason a download gives is worded here, in the sentences users saw before the reasons were typed.</summary>
public sealed class DownloadTextTests
{
    private static readonly HolderAddress Holder = new("127.0.0.1", 12666);

    [Theory]
    [InlineData(HolderDropKind.CouldNotConnect, "Connection refused", -1, "could not connect: Connection refused")]
    [InlineData(HolderDropKind.NoManifest, "reset", -1, "no manifest: reset")]
    [InlineData(HolderDropKind.InvalidManifest, "hash differs", -1, "no valid manifest: hash differs")]
    [InlineData(HolderDropKind.NotHolding, "not found", -1, "it does not have the file (not found)")]
    [InlineData(HolderDropKind.NoLongerHolding, "not found", -1, "it no longer has the file (not found)")]
    [InlineData(HolderDropKind.CorruptPiece, null, 3, "it sent a corrupt piece 3 (wrong length or SHA-256)")]
    [InlineData(HolderDropKind.StoppedAnswering, null, -1, "it stopped answering piece requests")]
    [InlineData(HolderDropKind.Left, "it said bye", -1, "it stopped serving and left")]
    [InlineData(HolderDropKind.ConnectionLost, "Connection reset by peer", -1, "Connection reset by peer")]
    public void Each_drop_is_worded_as_before(HolderDropKind kind, string? detail, int piece, string words) =>
        Assert.Equal(words, DownloadText.Drop(new HolderDrop(kind, detail, piece)));

    [Fact]
    public void Missing_pieces_name_the_ranges_the_wait_and_the_holders_tried()
    {
        var verified = new PieceSet(40);
        for (int i = 0; i < 5; i++)
            verified.Add(i);
        var failure = new DownloadFailure(DownloadFailureKind.HoldersUnreachable)
        {
            Verified = verified,
            Waited = TimeSpan.FromSeconds(1.5),
            Tried = [(Holder, new HolderDrop(HolderDropKind.CouldNotConnect, "Connection refused"))],
        };

        Assert.Equal("35 of 40 pieces are missing (pieces 5-39): no holder has been reachable, or given a piece, for 1.5 s; "
            + "tried 127.0.0.1:12666 (could not connect: Connection refused). The 5 verified pieces are kept; `request` again to continue",
            DownloadText.Failure(failure, DownloadText.RequestAgain));
        // Nothing verified: nothing said to be kept.
        Assert.EndsWith("(could not connect: Connection refused). `request` again to continue",
            DownloadText.Failure(failure with { Verified = new PieceSet(40) }, DownloadText.RequestAgain), StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_nobody_could_give_counts_the_holders_or_names_the_liars()
    {
        var refused = new DownloadFailure(DownloadFailureKind.NoManifestReachable) { Holders = 2, Waited = TimeSpan.FromSeconds(30) };
        var forged = new DownloadFailure(DownloadFailureKind.NoValidManifest) { Tried = [(Holder, new HolderDrop(HolderDropKind.InvalidManifest, "bad"))] };

        Assert.Equal("none of the 2 holder(s) could be reached within 30 s: none answered", DownloadText.Failure(refused, DownloadText.RequestAgain));
        Assert.Equal("no holder sent a manifest matching the file id: 127.0.0.1:12666 (no valid manifest: bad)", DownloadText.Failure(forged, DownloadText.RequestAgain));
    }

    [Fact]
    public void A_full_disk_says_to_free_space_then_continue_in_the_callers_words()
    {
        var started = new DownloadFailure(DownloadFailureKind.Storage) { Error = "disk full", DiskFull = true, KeptPieces = 7 };
        var early = started with { KeptPieces = null };

        Assert.Equal("disk full. The 7 verified pieces are kept; free some space, then `request` again to continue", DownloadText.Failure(started, DownloadText.RequestAgain));
        Assert.Equal("disk full. Free some space, then run the same command again", DownloadText.Failure(early, "run the same command again"));
    }

    [Fact]
    public void A_name_that_cannot_be_saved_here_does_not_promise_that_a_rerun_helps()
    {
        var blocked = new DownloadFailure(DownloadFailureKind.Storage) { Error = "cannot save 'dir/c/x' in /r: 'dir/c' is a file, not a folder", NameBlocked = true };

        Assert.Equal("cannot save 'dir/c/x' in /r: 'dir/c' is a file, not a folder. Running it again meets the same unless what is in the way is moved",
            DownloadText.Failure(blocked, "run the same command again to resume"));
    }
}
