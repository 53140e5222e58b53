using System.Globalization;
using P2PShare.Peer.Commands;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

public sealed class FolderListReportTests
{
    private static FileId Id(int i) => FileId.Parse(i.ToString("x64", CultureInfo.InvariantCulture));

    private static NetworkFile File(int i, string name, long length = 1024, int complete = 1, int partial = 0) =>
        new(Id(i), name, length, 256, complete, partial);

    // 10,000 files in 200 folders of 50, as the issue's scale target.
    private static List<NetworkFile> Album() =>
        [.. Enumerable.Range(0, 10_000).Select(i => File(i + 1, $"album-{i / 50:000}/photo-{i % 50:00}.jpg", 65536, 2))];

    [Fact]
    public void A_small_network_shows_every_file_as_a_tree_with_each_folders_totals()
    {
        var files = new[]
        {
            File(1, "notes.txt", 14),
            File(2, "photos/2025/beach.jpg", 2048, complete: 2),
            File(3, "photos/2025/city.jpg", 2048, complete: 1, partial: 1),
            File(4, "photos/dog.jpg", 1024, complete: 3),
        };

        Assert.Equal(
            string.Join(Environment.NewLine,
                "Files in the network (4 in 2 folders):",
                "  name                 size  holders                    id",
                "  photos/           5.0 KiB  1-3 complete, 0-1 partial  3 files",
                "    2025/           4.0 KiB  1-2 complete, 0-1 partial  2 files",
                "      beach.jpg     2.0 KiB  2 complete                 00000000",
                "      city.jpg      2.0 KiB  1 complete, 1 partial      00000000",
                "    dog.jpg         1.0 KiB  3 complete                 00000000",
                "  notes.txt            14 B  1 complete                 00000000"),
            Report.FileList(files, null));
    }

    [Fact]
    public void A_folders_holders_count_only_peers_that_hold_its_files_under_its_names()
    {
        // x.jpg's content is held by 3 peers, but only 1 of them has it in album/.
        var files = new[]
        {
            File(1, "album/x.jpg", complete: 3) with { NameCompleteHolders = 1 },
            File(2, "album/y.jpg", complete: 1),
            File(1, "backup/x.jpg", complete: 3) with { NameCompleteHolders = 2 },
        };

        var lines = Report.FileList(files, null).Split(Environment.NewLine);

        Assert.Matches(@"^  album/ +2\.0 KiB  1 complete +2 files$", lines[2]);
        Assert.Matches(@"^  backup/ +1\.0 KiB  2 complete +1 file$", lines[5]);
    }

    [Fact]
    public void Ten_thousand_files_list_as_their_two_hundred_folders_with_counts_and_the_way_in()
    {
        var lines = Report.FileList(Album(), null, null, null).Split(Environment.NewLine);

        Assert.Equal(1 + 1 + 200 + 1, lines.Length);
        Assert.Equal("Files in the network (10,000 in 200 folders):", lines[0]);
        Assert.Matches(@"^  album-000/ +3\.1 MiB  2 complete  50 files$", lines[2]);
        Assert.Equal("  `list FOLDER/` shows what is in a folder (e.g. `list album-000/`); `list PATTERN` filters (e.g. `list *.jpg`, `list album-000/**/*.jpg`).", lines[^1]);
    }

    [Fact]
    public void A_folder_name_lists_what_is_inside_it()
    {
        var files = Album();
        files.Add(File(20_000, "album-007x.txt"));

        var lines = Report.FileList(files, null, "album-007/", null).Split(Environment.NewLine);

        Assert.Equal("Files in album-007/ (50, 3.1 MiB):", lines[0]);
        Assert.Equal(2 + 50, lines.Length);
        Assert.StartsWith("  photo-00.jpg", lines[2], StringComparison.Ordinal);
        Assert.Equal(lines, Report.FileList(files, null, "album-007", null).Split(Environment.NewLine));
    }

    [Fact]
    public void A_glob_filters_paths_and_keeps_the_tree_opening_the_folders_that_fit()
    {
        string text = Report.FileList(Album(), null, "album-01?/photo-4*.jpg", null);
        var lines = text.Split(Environment.NewLine);

        Assert.Equal("Files in the network matching 'album-01?/photo-4*.jpg' (100 of 10,000 in 10 folders):", lines[0]);
        // 10 folders of 10 make 110 rows: 9 folders fit the 100 rows `list` opens, the last stays closed.
        Assert.Equal(2 + 10 + 90 + 1, lines.Length);
        Assert.Matches(@"^  album-010/ +640\.0 KiB  2 complete  10 files$", lines[2]);
        Assert.StartsWith("    photo-40.jpg", lines[3], StringComparison.Ordinal);
        Assert.Matches(@"^  album-019/ +640\.0 KiB  2 complete  10 files$", lines[^2]);
    }

    [Fact]
    public void The_short_list_after_start_opens_no_folder_that_would_not_fit_and_cuts_the_rest()
    {
        var lines = Report.FileList(Album(), null, null, Report.ShortListRows).Split(Environment.NewLine);

        Assert.Equal(1 + 1 + 50 + 2, lines.Length);
        Assert.All(lines[2..52], l => Assert.Contains("50 files", l, StringComparison.Ordinal));
        Assert.Equal("  ... and 150 more: `list` shows them all.", lines[52]);
        Assert.StartsWith("  `list FOLDER/` shows what is in a folder", lines[53], StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_name_is_cut_in_its_middle_and_does_not_widen_the_other_rows()
    {
        string longName = "holiday-" + new string('x', 300) + "-final.jpg";
        var files = new[] { File(1, "a.txt"), File(2, "photos/" + longName), File(3, "photos/写真" + new string('長', 100) + ".png") };

        var lines = Report.FileList(files, null).Split(Environment.NewLine);

        // The holders column starts at one screen column in every row, at most 40 columns of name in.
        var holdersAt = lines[1..].Select(l => DisplayWidth.Of(l[..l.IndexOf(l == lines[1] ? "holders" : "1 complete", StringComparison.Ordinal)])).ToList();
        Assert.All(holdersAt, at => Assert.Equal(2 + 40 + 2 + 10 + 2, at));
        Assert.StartsWith("    holiday-xxxxxxxxxxx…xxxxxxxx-final.jpg  ", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("    写真長長長長長長長…長長長長長長長.png   ", lines[4], StringComparison.Ordinal);
    }
}
