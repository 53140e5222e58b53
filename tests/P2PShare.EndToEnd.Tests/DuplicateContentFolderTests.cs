using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A folder with one content under several names (two empty files, two copies in different
/// subfolders): every name is shared, listed and fetched, so the fetched tree equals the shared one.
/// </summary>
public sealed class DuplicateContentFolderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static readonly (string Name, byte[] Content)[] Tree =
    [
        ("tree/photos/empty1.txt", []),
        ("tree/photos/2025/sub dir/empty 2.txt", []),
        ("tree/vids/x/dup1.txt", "same"u8.ToArray()),
        ("tree/vids/y/dup2.txt", "same"u8.ToArray()),
        ("tree/vids/z/dup3.txt", "same"u8.ToArray()), // a third name: the copies must not run at once
        ("tree/empty3.txt", []),
        ("tree/big/a.bin", TestFiles.Random(600_000, seed: 11)),
        ("tree/big/copy of a.bin", TestFiles.Random(600_000, seed: 11)),
    ];

    private static string PathOf(string root, string name) => Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));

    private static string[] FilesOf(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !p.StartsWith(".p2pshare/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static async Task<(PeerNetwork Net, PeerNode Sharer, PeerNode Downloader)> StartAsync()
    {
        var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var a = net.Options("a");
        foreach (var (name, content) in Tree)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PathOf(a.RepositoryPath!, name))!);
            File.WriteAllBytes(PathOf(a.RepositoryPath!, name), content);
        }
        var sharer = await net.StartPeerAsync(a);
        return (net, sharer, await net.StartPeerAsync(net.Options("c")));
    }

    [Fact]
    public async Task Every_name_of_duplicate_content_is_listed_and_a_folder_fetch_recreates_the_tree_exactly()
    {
        var (net, sharer, downloader) = await StartAsync();
        await using var _ = net;

        var listed = await downloader.ListAsync(CancellationToken.None, "tree/");
        var first = await (await downloader.RequestFolderAsync("tree/", CancellationToken.None)).Completion.WaitAsync(Deadline);
        var second = await (await downloader.RequestFolderAsync("tree/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.Equal(Tree.Select(f => f.Name).Order(StringComparer.Ordinal), listed.Select(f => f.Name));
        Assert.True(first.IsComplete, FolderText.Summary(first, "again"));
        Assert.Equal(Tree.Length, first.Fetched);
        Assert.Equal(600_000 + 4, first.BytesReceived); // each content crossed the network once
        // diff -r: the same files, the same bytes.
        Assert.Equal(FilesOf(sharer.Repository.Root), FilesOf(downloader.Repository.Root));
        foreach (var (name, content) in Tree)
            Assert.Equal(content, File.ReadAllBytes(PathOf(downloader.Repository.Root, name)));
        Assert.True(second.IsComplete, FolderText.Summary(second, "again"));
        Assert.Equal(Tree.Length, second.AlreadyPresent);
        Assert.Equal(0, second.BytesReceived);
    }

    [Fact]
    public async Task Requesting_a_second_name_of_content_held_here_copies_it_instead_of_saying_already_have()
    {
        var (net, _, downloader) = await StartAsync();
        await using var __ = net;

        var fetched = await (await downloader.RequestAsync("tree/vids/x/dup1.txt", CancellationToken.None)).Completion.WaitAsync(Deadline);
        var copied = await (await downloader.RequestAsync("tree/vids/y/dup2.txt", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Completed, fetched.Outcome);
        Assert.Equal(DownloadOutcome.Completed, copied.Outcome);
        Assert.False(copied.AlreadyHere);
        Assert.Equal(0, copied.BytesReceived);
        Assert.Equal("same"u8.ToArray(), File.ReadAllBytes(PathOf(downloader.Repository.Root, "tree/vids/y/dup2.txt")));
    }
}
