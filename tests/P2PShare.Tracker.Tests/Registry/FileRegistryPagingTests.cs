using System.Net;
using System.Text;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Registry;

/// <summary>Replies too long for a frame: the file list comes in pages, the holders list is cut.</summary>
public sealed class FileRegistryPagingTests
{
    private const int Budget = 16 * 1024;

    private static int HeaderBytes(Message reply) => Encoding.UTF8.GetByteCount(MessageCodec.Encode(reply with { ReplyTo = long.MaxValue }));

    private static FileRegistry WithFiles(int count)
    {
        var registry = new FileRegistry();
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));
        // Names that need escaping and take several UTF-8 bytes a character: the bound must hold for the worst.
        var files = Enumerable.Range(0, count).Select(i => Files.Complete($"{i:D5};::文件{new string('x', i % 200)}", $"s{i}")).ToArray();
        Assert.True(registry.Announce(1, files).AllAccepted);
        return registry;
    }

    [Fact]
    public void List_pages_each_fit_the_byte_budget_and_together_are_the_whole_list_in_order()
    {
        var registry = WithFiles(2_000);
        var whole = registry.List();
        var gathered = new List<NetworkFile>();
        string? after = null;
        int pages = 0;
        do
        {
            var page = Assert.IsType<FileList>(registry.ListPage(null, after, Budget));
            pages++;
            Assert.InRange(HeaderBytes(page), 1, Budget);
            Assert.NotEmpty(page.Files);
            gathered.AddRange(page.Files);
            Assert.Equal(whole.Count - gathered.Count, page.More);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(whole, gathered);
        Assert.InRange(pages, 10, 2_000);
    }

    [Fact]
    public void A_list_that_fits_is_one_page_without_a_cursor()
    {
        var page = Assert.IsType<FileList>(WithFiles(3).ListPage(null, null, Budget));

        Assert.Equal((3, 0L, null), (page.Files.Count, page.More, page.Next));
    }

    [Fact]
    public void A_page_after_a_cursor_starts_after_that_entry_even_when_files_came_and_went_meanwhile()
    {
        var registry = WithFiles(200);
        var first = Assert.IsType<FileList>(registry.ListPage(null, null, Budget));
        registry.Join(2, new IPEndPoint(IPAddress.Loopback, 5002));
        registry.Announce(2, [Files.Complete("00000 before the cursor", "early"), Files.Complete("zzz after it", "late")]);

        var second = Assert.IsType<FileList>(registry.ListPage(null, first.Next, Budget));

        Assert.True(string.CompareOrdinal(second.Files[0].Name, first.Files[^1].Name) > 0);
        Assert.DoesNotContain(second.Files, f => f.Name == "00000 before the cursor");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("abc.1.2.name")]
    public void A_cursor_the_registry_did_not_make_gets_no_page(string after) =>
        Assert.Null(WithFiles(3).ListPage(null, after, Budget));

    [Fact]
    public void Who_has_cuts_the_holders_to_the_byte_budget_keeping_the_oldest()
    {
        var registry = new FileRegistry();
        const long length = 100_000;
        var have = new PieceSet((int)length);
        for (int i = 0; i < length; i += 2)
            have.Add(i);
        var entry = new FileEntry(Files.Id("big", length, 1), "big.bin", length, 1, have);
        for (int client = 1; client <= 20; client++)
        {
            registry.Join(client, new IPEndPoint(IPAddress.Loopback, 6000 + client));
            registry.Announce(client, [entry]);
        }

        var holders = Assert.IsType<Holders>(registry.WhoHas(0, entry.Id, maxHeaderBytes: 64 * 1024));

        Assert.InRange(HeaderBytes(holders), 1, 64 * 1024);
        Assert.Equal(Enumerable.Range(6001, holders.Peers.Count), holders.Peers.Select(p => p.Port));
        Assert.InRange(holders.Peers.Count, 2, 19);
    }
}
