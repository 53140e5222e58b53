using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>A folder download reads as one progress line and one summary, failures named with their reasons.</summary>
public sealed class FolderTextTests
{
    private static DownloadResult Done(string name, bool alreadyHere = false) =>
        new(name, DownloadOutcome.Completed, "/r/" + name, new Dictionary<HolderAddress, int>(), 0, 1, alreadyHere ? 0 : 1_000_000, TimeSpan.FromSeconds(1), null) { AlreadyHere = alreadyHere };

    private static FolderFileResult File(string name, DownloadResult? result, PeerFailure? failure = null) => new(name, 1_000_000, result, failure);

    [Fact]
    public void Progress_of_a_folder_is_one_line_with_files_and_bytes()
    {
        var p = new DownloadProgress("photos/", 40_000_000, 100, 400, 10_000_000, TimeSpan.FromSeconds(5), 2, new Dictionary<HolderAddress, int>())
        {
            Files = new FolderCount(12, 40, 10_000_000),
        };

        Assert.Equal("photos/ [#####...............]  25.0%  12/40 files  9.5 MiB of 38.1 MiB  2.0 MB/s  2 peers  ETA 15 s", Report.Progress(p, withPeers: false));
    }

    [Fact]
    public void A_folders_percent_is_of_its_bytes_not_of_its_pieces()
    {
        // 300 small one-piece files done of 304, three large files of 120 pieces each not begun: 300 of 664 pieces, but 4.2 MiB of 94.2 MiB.
        var p = new DownloadProgress("dir/", 98_800_000, 300, 664, 4_400_000, TimeSpan.FromSeconds(2), 1, new Dictionary<HolderAddress, int>())
        {
            Files = new FolderCount(300, 304, 4_400_000),
        };

        Assert.Equal(4.45, p.Percent, 2);
        Assert.StartsWith("dir/ [#...................]   4.5%  300/304 files  4.2 MiB of 94.2 MiB", Report.Progress(p, withPeers: false));
        Assert.Equal(0, Report.QuartersDone(p));
    }

    [Fact]
    public void A_complete_folder_counts_fetched_and_already_present()
    {
        var r = new FolderResult("photos/", [File("photos/a", Done("photos/a")), File("photos/b", Done("photos/b", alreadyHere: true))], TimeSpan.FromSeconds(2));

        Assert.Equal(DownloadOutcome.Completed, r.Outcome);
        Assert.Equal("Folder 'photos/' complete: 2 files, 1 fetched, 1 already present (976.6 KiB in 2.0 s, 500.0 kB/s).", FolderText.Summary(r, "again"));
    }

    [Fact]
    public void Failed_files_are_named_with_their_reasons_the_first_ten_then_counted()
    {
        var failed = Enumerable.Range(0, 12).Select(i => File($"photos/f{i:D2}", null, new NoHolder($"photos/f{i:D2}", default(FileId), AnyMore: false)));
        var r = new FolderResult("photos/", [File("photos/a", Done("photos/a")), .. failed], TimeSpan.FromSeconds(1));

        var lines = FolderText.Summary(r, "run the same command again to resume").Split(Environment.NewLine);

        Assert.Equal(DownloadOutcome.Failed, r.Outcome);
        Assert.StartsWith("Folder 'photos/' incomplete: 13 files, 1 fetched, 0 already present, 12 failed (", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("; run the same command again to resume.", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  photos/f00: no other peer holds 'photos/f00'", lines[1], StringComparison.Ordinal);
        Assert.Equal(1 + FolderText.FailuresListed + 1, lines.Length);
        Assert.Equal("  and 2 more failed files.", lines[^1]);
    }

    [Fact]
    public void A_stopped_folder_says_how_to_resume()
    {
        var stopped = new DownloadResult("photos/b", DownloadOutcome.Stopped, null, new Dictionary<HolderAddress, int>(), 0, 4, 0, TimeSpan.Zero, null);
        var r = new FolderResult("photos/", [File("photos/a", Done("photos/a")), File("photos/b", stopped), File("photos/c", null)], TimeSpan.FromSeconds(1));

        Assert.Equal(DownloadOutcome.Stopped, r.Outcome);
        Assert.StartsWith("Stopped folder 'photos/': 3 files, 1 fetched, 0 already present, 2 stopped (", FolderText.Summary(r, "resume"), StringComparison.Ordinal);
    }
}
