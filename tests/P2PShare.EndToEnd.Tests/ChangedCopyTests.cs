namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Our own copy of a file changed on disk after we fetched it: it is a file only we hold, and no
/// rival to the one other peers share under that name (a stranger's damaged copy made `get NAME`
/// say "2 different files are called" and count itself as the second file's holder).
/// </summary>
public sealed class ChangedCopyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Requesting_a_name_whose_local_copy_was_damaged_fetches_the_shared_file_beside_it()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(200_000, seed: 31);
        var sharerOptions = net.Options("sharer");
        TestFiles.Write(sharerOptions.RepositoryPath!, "large.bin", content);
        await net.StartPeerAsync(sharerOptions);
        var getterOptions = net.Options("getter");
        var damaged = (byte[])content.Clone();
        damaged[1000] ^= 0xff;
        TestFiles.Write(getterOptions.RepositoryPath!, "large.bin", damaged);
        var getter = await net.StartPeerAsync(getterOptions);
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.List("large.bin").Count == 2),
            "the tracker lists both contents of large.bin", Deadline);

        var download = await getter.RequestAsync("large.bin", CancellationToken.None);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(Peer.Transfer.DownloadOutcome.Completed, result.Outcome);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(getterOptions.RepositoryPath!, "large (2).bin")));
        Assert.Equal(damaged, File.ReadAllBytes(Path.Combine(getterOptions.RepositoryPath!, "large.bin"))); // the user's own file is never overwritten
    }
}
