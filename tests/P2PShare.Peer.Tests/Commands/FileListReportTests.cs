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
    public void An_empty_network_says_so() => Assert.Equal("No files in the network yet.", Report.FileList([], null));
}
