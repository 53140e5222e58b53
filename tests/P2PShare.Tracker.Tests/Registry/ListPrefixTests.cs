using System.Globalization;
using System.Net;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Registry;

public sealed class ListPrefixTests
{
    private static FileRegistry Network()
    {
        var registry = new FileRegistry();
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));
        var files = new List<FileEntry>();
        for (int i = 0; i < 300; i++)
            files.Add(Files.Complete(string.Create(CultureInfo.InvariantCulture, $"{(i % 3 == 0 ? "photos" : "photos-old")}/{i:000}.jpg"), $"f{i}"));
        files.Add(Files.Complete("photos.txt", "t"));
        files.Add(Files.Complete("Photos/upper.jpg", "u"));
        registry.Announce(1, files);
        return registry;
    }

    [Fact]
    public void A_prefix_lists_one_folders_files_only_page_after_page()
    {
        var registry = Network();
        var listed = new List<NetworkFile>();
        string? after = null;
        int pages = 0;
        do
        {
            // Pages of about 4 KiB: the cursor must carry on within the folder.
            var page = registry.ListPage(null, "photos/", after, 4096)!;
            listed.AddRange(page.Files);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.True(pages > 2, $"{pages} pages");
        Assert.Equal(100, listed.Count);
        Assert.All(listed, f => Assert.StartsWith("photos/", f.Name, StringComparison.Ordinal));
        Assert.Equal(listed.Select(f => f.Name).Order(StringComparer.Ordinal), listed.Select(f => f.Name));
    }

    [Fact]
    public void Without_a_prefix_every_file_is_listed()
    {
        var registry = Network();

        Assert.Equal(302, registry.ListPage(null, null, null, 1 << 20)!.Files.Count);
        Assert.Equal(302, registry.ListPage(null, "", null, 1 << 20)!.Files.Count);
    }
}
