namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A `serve` process nobody types into: files added to its folder after it started are shared, and
/// deleted ones forgotten, as soon as any other peer runs `update` (the tracker's `refresh` makes it rescan).
/// </summary>
public sealed class HeadlessSeederTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_serving_peer_lists_a_file_added_to_its_folder_after_it_started_when_another_peer_updates()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        string repo = net.Folder.Sub("seeder");
        TestFiles.Write(repo, "first.txt", "there from the start"u8.ToArray());
        using var seeder = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress);
        await seeder.WaitForLineAsync("Sharing", Deadline);
        var asker = await net.StartPeerAsync(net.Options("asker"));
        Assert.Equal(["first.txt"], (await asker.ListAsync(CancellationToken.None)).Select(f => f.Name));

        TestFiles.Write(repo, "added.txt", "put there while it served"u8.ToArray());
        File.Delete(Path.Combine(repo, "first.txt"));
        var files = await asker.UpdateAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(["added.txt"], files.Select(f => f.Name));
        var download = await asker.RequestAsync("added.txt", CancellationToken.None);
        var result = await download.Completion.WaitAsync(Deadline);
        Assert.Equal("put there while it served"u8.ToArray(), File.ReadAllBytes(result.FinalPath!));
    }
}
