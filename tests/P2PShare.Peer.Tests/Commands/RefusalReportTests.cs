using P2PShare.Peer.Commands;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

public sealed class RefusalReportTests
{
    private static FileId Id(char digit) => FileId.Parse(new string(digit, 64));

    private static readonly FileEntry[] Sent =
    [
        new(Id('a'), "a.txt", 10, 4, null),
        new(Id('b'), "b.txt", 10, 4, null),
        new(Id('c'), "c.txt", 10, 4, null),
    ];

    [Fact]
    public void Each_listed_refusal_is_one_line_naming_our_file_and_the_unlisted_rest_one_more()
    {
        var reply = new Ok { RefusedCount = 3, Refusals = [new AnnounceRefusal(1, Id('b'), "over this tracker's limit of 1 files per peer")] };

        Assert.Equal(
            [
                "The tracker did not list 'b.txt' (bbbbbbbb): over this tracker's limit of 1 files per peer. The other files are shared.",
                "The tracker did not list 2 more files either; the other files are shared.",
            ],
            RefusalReport.Lines(reply, Sent));
    }

    [Fact]
    public void A_refusal_whose_index_does_not_match_its_id_names_only_the_id()
    {
        var reply = new Ok { RefusedCount = 1, Refusals = [new AnnounceRefusal(0, Id('d'), "no")] };

        Assert.Equal(["The tracker did not list (dddddddd): no. The other files are shared."], RefusalReport.Lines(reply, Sent));
    }

    [Fact]
    public void Many_refusals_for_one_reason_are_one_line_with_examples_and_others_keep_their_own_line()
    {
        const string Limit = "over this tracker's limit of 10000 files per peer";
        var sent = Enumerable.Range(0, 10).Select(i => new FileEntry(Id((char)('0' + i)), $"h{i}", 10, 4, null)).ToArray();
        var reply = new Ok
        {
            RefusedCount = 9000,
            Refusals = [new AnnounceRefusal(0, Id('0'), "bad name"), .. Enumerable.Range(1, 9).Select(i => new AnnounceRefusal(i, Id((char)('0' + i)), Limit))],
        };

        Assert.Equal(
            [
                "The tracker did not list 'h0' (00000000): bad name. The other files are shared.",
                $"The tracker did not list 9 files ('h1', 'h2', 'h3' and 6 more): {Limit}. The other files are shared.",
                "The tracker did not list 8990 more files either; the other files are shared.",
            ],
            RefusalReport.Lines(reply, sent));
    }

    [Fact]
    public void A_plain_ok_has_nothing_to_say() => Assert.Empty(RefusalReport.Lines(new Ok(), Sent));
}
