using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// The disk fills up in the middle of a download: the download fails with a clear reason naming
/// the file and the cause, keeps its verified pieces intact, and completes byte-identical once there
/// is space again. Once through the storage write seam (always runs), once on a real full tmpfs.
/// A download larger than the free space fails before its first piece (its .part is reserved whole).
/// </summary>
public sealed class DiskFullTests
{
    private const int Pieces = 16; // of 64 KiB
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_disk_full_mid_download_is_reported_clearly_and_the_download_resumes_once_there_is_space()
    {
        await using var net = new PeerNetwork();
        bool full = false;
        var faults = new PeerParts
        {
            // As on a real disk: the .part was reserved whole up front, so it is the state's new copy that finds no space.
            BeforeDiskWrite = path =>
            {
                if (Volatile.Read(ref full) && path.EndsWith(".state", StringComparison.Ordinal))
                    throw new IOException("No space left on device", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28);
            },
        };
        await FillUpMidDownloadAsync(net, net.Folder.Sub("downloader"), faults, () => Volatile.Write(ref full, true), () => Volatile.Write(ref full, false));
    }

    [TmpfsFact]
    public async Task A_real_full_filesystem_mid_download_is_reported_clearly_and_the_download_resumes_once_there_is_space()
    {
        await using var net = new PeerNetwork();
        using var disk = Tmpfs.Mount(net.Folder.Sub("disk"), sizeBytes: 4 * 1024 * 1024);
        string filler = Path.Combine(disk.Path, "filler.bin");
        await FillUpMidDownloadAsync(net, disk.Path, null, () => Tmpfs.FillUp(filler), () => File.Delete(filler));
    }

    [TmpfsFact]
    public async Task A_get_larger_than_the_free_space_fails_at_once_saying_what_it_needs_and_leaves_nothing()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        using var disk = Tmpfs.Mount(net.Folder.Sub("disk"), sizeBytes: 1024 * 1024);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "big.bin", TestFiles.Random(Pieces * 64 * 1024 * 4, seed: 61)); // 4 MiB
        await net.StartPeerAsync(seederOptions);

        using var get = RunningProcess.Start("P2PShare.Peer", disk.Path,
            "get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--tracker", net.TrackerAddress);

        Assert.Equal(1, await get.WaitForExitAsync(Deadline));
        string told = await get.WaitForLineAsync("Download of 'big.bin' failed", Deadline);
        Assert.Contains("the disk is full: the download of 'big.bin' needs 4.0 MiB in ", told, StringComparison.Ordinal);
        Assert.Contains("Free some space, then", told, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(disk.Path, "*.part", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(disk.Path, "big.bin")));
    }

    /// <summary>
    /// Lets 4 pieces through, calls <paramref name="fill"/>, lets the rest come, and checks the
    /// failure; then <paramref name="free"/> and a second request that must complete.
    /// </summary>
    private static async Task FillUpMidDownloadAsync(PeerNetwork net, string downloaderRepo, PeerParts? faults, Action fill, Action free)
    {
        await net.StartTrackerAsync();
        var content = TestFiles.Random(Pieces * 64 * 1024, seed: 60);
        var gate = new PieceGate(free: 4);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "big.bin", content);
        var manifest = (await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) })).Repository.Files.Single().Manifest;
        // State per piece, so "the 4 verified pieces are kept" is exact; the batched state's own disk-full case is a storage test.
        var downloader = await net.StartPeerAsync(net.Options("downloader") with { RepositoryPath = downloaderRepo, StatePersistInterval = TimeSpan.Zero }, parts: faults);
        var download = await downloader.RequestAsync("big.bin", CancellationToken.None);
        // The state on disk, not the progress count: a piece counts as verified a moment before its state write ends.
        await Eventually.TrueAsync(() => Task.FromResult(DownloadOnDisk.Verified(downloaderRepo, manifest.Id, manifest.PieceCount).Present == 4), "4 pieces recorded", Deadline);

        fill();
        gate.Open();
        var failed = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, failed.Outcome);
        string told = Report.Result(failed);
        Assert.Contains("'big.bin'", told, StringComparison.Ordinal);
        Assert.Contains("the disk is full", told, StringComparison.Ordinal);
        Assert.Contains("The 4 verified pieces are kept; free some space, then `request` again", told, StringComparison.Ordinal);
        Assert.Equal(4, DownloadOnDisk.AssertClaimsAreTrue(downloaderRepo, manifest, content));
        Assert.False(File.Exists(Path.Combine(downloaderRepo, "big.bin")));

        free();
        var resumed = await (await downloader.RequestAsync("big.bin", CancellationToken.None)).Completion.WaitAsync(Deadline);
        Assert.True(resumed.Outcome == DownloadOutcome.Completed, $"{resumed.Outcome}: {DownloadText.Reason(resumed)}");
        Assert.Equal(4, resumed.ResumedPieces);
        Assert.Equal(content, File.ReadAllBytes(resumed.FinalPath!));
        await downloader.DisposeAsync(); // closes its files before the disk goes away
    }
}
