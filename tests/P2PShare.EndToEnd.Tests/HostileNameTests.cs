using P2PShare.Peer;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A lying tracker names a real file with a path meant to escape the downloader's folder, or to
/// land in its state folder or through a link: nothing is written outside the destination, and
/// nothing inside it but what a download keeps in its own state folder.
/// </summary>
public sealed class HostileNameTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string> WireNames => new()
    {
        "../x", "../../x", "/etc/x", "a//b", "a/./b", "a/../../x", "c:x", "a/c:x", "con/x", "a\\b", "a/", "d/" + new string('s', 300),
        string.Join('/', Enumerable.Repeat("d", 40)),
    };

    public static TheoryData<string> PeerNames => new() { ".p2pshare/manifests", ".p2pshare/downloads/x.part", "a/.hidden", "link/x.bin", "link/deeper/x.bin" };

    [Theory]
    [MemberData(nameof(WireNames))]
    [MemberData(nameof(PeerNames))]
    public async Task A_tracker_naming_a_file_with_a_hostile_path_gets_nothing_written_outside_the_destination(string name)
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync(); // the peers' default address only; they are sent to the fake below
        var content = TestFiles.Random(150_000, seed: 11);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "x.bin", content);
        var seeder = await net.StartPeerAsync(seederOptions, join: false);
        var file = seeder.Repository.Files.Single();
        await using var tracker = new FakeTracker(new NetworkFile(file.Id, name, file.Manifest.Length, file.Manifest.PieceLength, 1, 0),
            [new HolderEntry("127.0.0.1", seeder.ServingEndPoint.Port, null)]);
        string outside = net.Folder.Sub("outside");
        var downloaderOptions = net.Options("downloader");
        Directory.CreateSymbolicLink(Path.Combine(downloaderOptions.RepositoryPath!, "link"), outside);
        var downloader = await net.StartPeerAsync(downloaderOptions, join: false);
        await downloader.JoinAsync(tracker.Address, CancellationToken.None, listFiles: false).WaitAsync(Deadline);
        var before = Tree(net.Folder.Path);

        foreach (string asked in new[] { name, name.Split('/')[0] + "/" })
        {
            try
            {
                var download = await downloader.RequestAsync(asked, CancellationToken.None).WaitAsync(Deadline);
                var result = await download.Completion.WaitAsync(Deadline);
                Assert.NotEqual(DownloadOutcome.Completed, result.Outcome);
            }
            catch (PeerCommandException)
            {
                // Refused before it began: as good.
            }
            if (PeerNode.IsFolder(asked))
            {
                try
                {
                    var folder = await downloader.RequestFolderAsync(asked, CancellationToken.None).WaitAsync(Deadline);
                    Assert.False((await folder.Completion.WaitAsync(Deadline)).IsComplete);
                }
                catch (PeerCommandException)
                {
                    // Refused before it began.
                }
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal(before, Tree(net.Folder.Path));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(downloader.Repository.Root, ".p2pshare", "downloads")));
    }

    // Every file and folder under `root`, links not followed; the manifest cache may be rewritten, so only names count.
    // The peer's own state of downloads and folder fetches (.p2pshare/folders holds a hashed lock per folder fetched) is not counted.
    private static List<string> Tree(string root) =>
        [.. new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(i => Path.GetRelativePath(root, i.FullName))
            .Where(p => !p.Contains("downloads", StringComparison.Ordinal)
                && !p.Contains(Path.Combine(".p2pshare", "folders"), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}
