using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Network;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Issue 16: two peers share a nested folder (some files on both, some on one); a third fetches it
/// whole with one command, byte for byte, its tree recreated and nothing written anywhere else.
/// </summary>
public sealed class FolderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    // name -> (content, on A, on B)
    private static readonly (string Name, byte[] Content, bool OnA, bool OnB)[] Album =
    [
        ("album/big.bin", TestFiles.Random(3 * 1024 * 1024 + 123, seed: 1), true, true),
        ("album/notes.txt", "beach day\n"u8.ToArray(), true, false),
        ("album/empty.dat", [], true, true),
        ("album/2025/summer/sea.jpg", TestFiles.Random(700_000, seed: 2), true, true),
        ("album/2025/summer/sand.jpg", TestFiles.Random(300_000, seed: 3), false, true),
        ("album/2025/winter/snow.jpg", TestFiles.Random(200_001, seed: 4), true, false),
        ("album/deep/er/and/deeper/x.bin", TestFiles.Random(70_000, seed: 5), false, true),
    ];

    private static void Write(string repo, string name, byte[] content)
    {
        string path = Path.Combine(repo, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private static async Task<(PeerNetwork Net, PeerNode Downloader)> StartAsync(PeerParts? holderParts = null)
    {
        var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var a = net.Options("a");
        var b = net.Options("b");
        foreach (var (name, content, onA, onB) in Album)
        {
            if (onA)
                Write(a.RepositoryPath!, name, content);
            if (onB)
                Write(b.RepositoryPath!, name, content);
        }
        Write(a.RepositoryPath!, "outside.txt", [1]);          // not under album/
        Write(b.RepositoryPath!, "albumish/not-it.txt", [2]);  // shares the prefix, not the folder
        await net.StartPeerAsync(a, parts: holderParts);
        await net.StartPeerAsync(b, parts: holderParts);
        return (net, await net.StartPeerAsync(net.Options("c")));
    }

    private static string[] TreeOf(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => p != ".p2pshare" && !p.StartsWith(".p2pshare/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static string[] ExpectedTree() =>
        [.. Album.Select(f => f.Name)
            .SelectMany(n => Enumerable.Range(1, n.Count(c => c == '/')).Select(i => string.Join('/', n.Split('/')[..i])).Append(n))
            .Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_third_peer_fetches_a_nested_folder_shared_by_two_byte_for_byte_with_its_tree_and_nothing_else()
    {
        var (net, downloader) = await StartAsync();
        await using var _ = net;

        var folder = await downloader.RequestFolderAsync("album/", CancellationToken.None).WaitAsync(Deadline);
        Assert.Equal(Album.Length, folder.FileCount);
        var result = await folder.Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal(Album.Length, result.Fetched);
        Assert.Equal(0, result.AlreadyPresent);
        foreach (var (name, content, _, _) in Album)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, name.Replace('/', Path.DirectorySeparatorChar))));
        Assert.Equal(ExpectedTree(), TreeOf(downloader.Repository.Root));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(downloader.Repository.Root, ".p2pshare", "downloads")));
        // Files only one holder has came from that one: both holders served the folder.
        var byPeer = result.Files.SelectMany(f => f.Result!.PiecesByPeer.Keys).Distinct().ToList();
        Assert.Equal(2, byPeer.Count);
        Assert.Empty(downloader.Folders);
    }

    [Fact]
    public async Task Files_already_present_and_verified_are_skipped_and_a_second_run_fetches_nothing()
    {
        var (net, downloader) = await StartAsync();
        await using var _ = net;
        Write(downloader.Repository.Root, "album/notes.txt", Album[1].Content);
        Write(downloader.Repository.Root, "album/2025/winter/snow.jpg", TestFiles.Random(200_001, seed: 99)); // same name, other content
        await downloader.Repository.ScanAsync(CancellationToken.None);

        var first = await (await downloader.RequestFolderAsync("album/", CancellationToken.None)).Completion.WaitAsync(Deadline);
        var second = await (await downloader.RequestFolderAsync("album/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(first.IsComplete, FolderText.Summary(first, "again"));
        Assert.Equal(1, first.AlreadyPresent);
        Assert.Equal(Album.Length - 1, first.Fetched);
        Assert.Equal(Album[5].Content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "album", "2025", "winter", "snow (2).jpg")));
        Assert.True(second.IsComplete, FolderText.Summary(second, "again"));
        // The downloader now shares snow.jpg's content as 'snow (2).jpg' too, and every name of a content is listed.
        Assert.Equal(Album.Length + 1, second.AlreadyPresent);
        Assert.Equal(0, second.BytesReceived);
        Assert.StartsWith($"Folder 'album/' complete: {Album.Length + 1} files, 0 fetched, {Album.Length + 1} already present", FolderText.Summary(second, "again"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_folder_keeps_its_verified_pieces_and_the_same_request_resumes_it()
    {
        // 2 MB/s per holder: the 3 MB file is still under way when it is stopped.
        var slow = new PeerParts { ServeThrough = pieces => new ThrottledPieces(pieces, 2_000_000) };
        var (net, downloader) = await StartAsync(slow);
        await using var _ = net;

        var folder = await downloader.RequestFolderAsync("album/", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(folder.GetProgress().VerifiedPieces >= 8), "some pieces are verified", Deadline);
        Assert.Single(downloader.Progress()); // one line for the whole folder
        Assert.InRange(downloader.Downloads.Count, 1, FolderDownload.FilesAtOnce); // a few files at once, never the whole folder
        await downloader.StopDownloadsAsync();
        var stopped = await folder.Completion.WaitAsync(Deadline);
        var resumed = await (await downloader.RequestFolderAsync("album/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Stopped, stopped.Outcome);
        Assert.Contains("Stopped folder 'album/'", FolderText.Summary(stopped, "run the same command again to resume"), StringComparison.Ordinal);
        Assert.True(resumed.IsComplete, FolderText.Summary(resumed, "again"));
        Assert.True(resumed.Files.Sum(f => f.Result!.ResumedPieces) > 0, "some pieces were taken from the stopped run");
        Assert.Equal(Album[0].Content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "album", "big.bin")));
    }

    [Fact]
    public async Task A_folder_with_nothing_under_it_is_a_clear_failure()
    {
        var (net, downloader) = await StartAsync();
        await using var _ = net;

        var e = await Assert.ThrowsAsync<PeerCommandException>(() => downloader.RequestFolderAsync("albu/", CancellationToken.None));

        Assert.Equal(new EmptyFolder("albu/"), e.Failure);
        Assert.Equal(["a", "b", "c"], Directory.EnumerateFileSystemEntries(net.Folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_folder_asked_for_without_its_slash_fails_naming_the_folder_its_file_count_and_size()
    {
        var (net, downloader) = await StartAsync();
        await using var _ = net;

        var e = await Assert.ThrowsAsync<PeerCommandException>(() => downloader.RequestAsync("album", CancellationToken.None));

        long bytes = Album.Sum(f => (long)f.Content.Length);
        Assert.Equal(new NameIsFolder("album", Album.Length, bytes), e.Failure);
        Assert.StartsWith("no file named 'album' in the network; 'album' is a folder: get album/ (7 files, ", FailureText.Of(e));
        var plain = await Assert.ThrowsAsync<PeerCommandException>(() => downloader.RequestAsync("albu", CancellationToken.None));
        Assert.Equal(new FileNotFound("albu", IdTooShort: false), plain.Failure);
    }

    [Fact]
    public async Task A_nested_file_is_requested_by_its_path_and_lands_in_its_folder()
    {
        var (net, downloader) = await StartAsync();
        await using var _ = net;

        var result = await (await downloader.RequestAsync("album/2025/summer/sand.jpg", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, DownloadText.Reason(result));
        Assert.Equal(Path.Combine(downloader.Repository.Root, "album", "2025", "summer", "sand.jpg"), result.FinalPath);
        Assert.Equal(Album[4].Content, File.ReadAllBytes(result.FinalPath!));
    }
}
