using P2PShare.Peer.Commands;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

public sealed class FileListReportTests
{
    private static FileId Id(char digit) => FileId.Parse(new string(digit, 64));

    [Fact]
    public void List_shows_size_complete_and_partial_holders_and_tells_same_named_files_apart()
    {
        var files = new[]
        {
            new NetworkFile(Id('b'), "notes.txt", 14, 4, 1, 0),
            new NetworkFile(Id('a'), "big.bin", 300L * 1024 * 1024, 262144, 2, 1),
            new NetworkFile(Id('c'), "notes.txt", 2048, 4, 0, 3),
        };

        Assert.Equal(
            string.Join(Environment.NewLine,
                "Files in the network (3):",
                "  name             size  holders                id",
                "  big.bin     300.0 MiB  2 complete, 1 partial  aaaaaaaa",
                "  notes.txt        14 B  1 complete             bbbbbbbb  [same name as another file: request it by id]",
                "  notes.txt     2.0 KiB  3 partial              cccccccc  [same name as another file: request it by id]"),
            Report.FileList(files, local: null));
    }

    [Fact]
    public void One_id_listed_in_two_sizes_is_marked_as_contested_not_as_two_files_to_pick_between()
    {
        var files = new[]
        {
            new NetworkFile(Id('b'), "report.pdf", 200_011, 65536, 1, 0),
            new NetworkFile(Id('b'), "report.pdf", 999_999_999, 65536, 3, 0),
        };

        string shown = Report.FileList(files, local: null);

        Assert.DoesNotContain("request it by id", shown, StringComparison.Ordinal);
        Assert.Equal(2, shown.Split("holders disagree on its size: a download keeps the one its checked manifest gives").Length - 1);
    }

    [Fact]
    public void One_content_under_several_names_is_marked_as_copies_not_as_contested()
    {
        var files = new[]
        {
            new NetworkFile(Id('e'), "a.txt", 0, 262144, 1, 0),
            new NetworkFile(Id('e'), "b.txt", 0, 262144, 1, 0),
            new NetworkFile(Id('e'), "c.txt", 0, 262144, 1, 0),
        };

        var rows = Report.FileList(files, local: null).Split(Environment.NewLine)[2..];

        Assert.Equal(
            [
                "  a.txt         0 B  1 complete  eeeeeeee  [same content as b.txt and 1 more]",
                "  b.txt         0 B  1 complete  eeeeeeee  [same content as a.txt and 1 more]",
                "  c.txt         0 B  1 complete  eeeeeeee  [same content as a.txt and 1 more]",
            ],
            rows);
    }

    [Fact]
    public void A_files_holders_are_those_that_give_it_its_name_and_a_note_counts_the_copies_elsewhere()
    {
        var files = new[] { new NetworkFile(Id('a'), "album/x.jpg", 2048, 4, 3, 1) { NameCompleteHolders = 1, NamePartialHolders = 0 } };

        var rows = Report.FileList(files, local: null, "album/", null).Split(Environment.NewLine)[2..];

        Assert.Equal(["  x.jpg     2.0 KiB  1 complete  aaaaaaaa  [3 complete, 1 partial in all, counting copies under other names]"], rows);
    }

    [Fact]
    public void An_empty_network_says_so() => Assert.Equal("No files in the network yet.", Report.FileList([], null));

    [Fact]
    public void Wide_characters_keep_the_columns_lined_up()
    {
        var files = new[]
        {
            new NetworkFile(Id('a'), "写真.jpg", 2048, 4, 1, 0),
            new NetworkFile(Id('b'), "photo.jpg", 2048, 4, 1, 0),
        };

        var rows = Report.FileList(files, null).Split(Environment.NewLine)[2..];

        // "写真.jpg" is 6 characters but 8 columns, as "photo.jpg" is 9 of each: the size column starts at the same column.
        Assert.Equal(DisplayWidth.Of(rows[0].Split("2.0 KiB")[0]), DisplayWidth.Of(rows[1].Split("2.0 KiB")[0]));
    }

    [Fact]
    public void A_pattern_lists_only_the_matching_files()
    {
        var files = new[]
        {
            new NetworkFile(Id('a'), "beach.JPG", 10, 4, 1, 0),
            new NetworkFile(Id('b'), "notes.txt", 10, 4, 1, 0),
            new NetworkFile(Id('c'), "city.jpg", 10, 4, 1, 0),
        };

        string text = Report.FileList(files, null, "*.jpg", null);

        Assert.StartsWith("Files in the network matching '*.jpg' (2 of 3):", text, StringComparison.Ordinal);
        Assert.Contains("beach.JPG", text, StringComparison.Ordinal);
        Assert.Contains("city.jpg", text, StringComparison.Ordinal);
        Assert.DoesNotContain("notes.txt", text, StringComparison.Ordinal);
        Assert.Contains("notes", Report.FileList(files, null, "note", null), StringComparison.Ordinal);
        Assert.Equal("None of the 3 files in the network matches '*.png'.", Report.FileList(files, null, "*.png", null));
    }

    [Fact]
    public void A_long_list_after_start_shows_the_first_rows_and_how_to_filter_the_rest()
    {
        var files = Enumerable.Range(0, 5000)
            .Select(i => new NetworkFile(FileId.Parse(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)), $"file{i:0000}.jpg", 10, 4, 1, 0))
            .ToList();

        var lines = Report.FileList(files, null, null, Report.ShortListRows).Split(Environment.NewLine);

        Assert.Equal(1 + 1 + 50 + 1, lines.Length);
        Assert.Equal("Files in the network (5,000):", lines[0]);
        Assert.Equal("  ... and 4,950 more: `list PATTERN` filters (e.g. `list *.jpg`), `list` shows them all.", lines[^1]);
    }
}
