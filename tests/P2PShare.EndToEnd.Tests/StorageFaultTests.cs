using P2PShare.Peer;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// What a `get` process finds on disk that it did not leave there itself: bytes changed under a
/// recorded piece, another process on the same download, a finished file, a download that never got a
/// piece. The tracker and the seeder run in this process; a <see cref="PieceGate"/> fixes how far a download gets.
/// </summary>
public sealed class StorageFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_resumed_get_rehashes_recorded_pieces_whose_bytes_changed_refetches_them_says_so_and_ends_byte_identical()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(32 * 64 * 1024 + 999, seed: 51); // 33 pieces
        var gate = new PieceGate(free: 6);
        var seeder = await StartSeederAsync(net, content, gate);
        var manifest = seeder.Repository.Files.Single().Manifest;
        string repo = net.Folder.Sub("leecher");
        string[] get = GetArgs(net, repo);

        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            await first.WaitForLineAsync("Downloading 'big.bin'", Deadline);
            // Wait until the state records all 6 (it is rewritten every 0.5 s), so they are trusted claims, not recoveries.
            await Eventually.TrueAsync(() => Task.FromResult(DownloadOnDisk.Verified(repo, manifest.Id, manifest.PieceCount).Present == 6),
                "the state records the 6 pieces the seeder lets through", Deadline);
            await first.KillAsync(Deadline);
        }
        // Bytes of two recorded pieces change after the kill (lost writes, bit rot, another program).
        var recorded = DownloadOnDisk.Verified(repo, manifest.Id, manifest.PieceCount).Indices().ToArray();
        string part = Path.Combine(repo, Repository.StateDirectoryName, "downloads", manifest.Id + ".part");
        using (var handle = File.OpenHandle(part, FileMode.Open, FileAccess.Write))
        {
            foreach (int piece in recorded[..2])
                RandomAccess.Write(handle, new byte[] { 0xBA, 0xD0 }, manifest.PieceOffset(piece) + 100);
        }

        gate.Open();
        using var second = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get);
        Assert.Equal(0, await second.WaitForExitAsync(Deadline));
        var done = await second.WaitForLineAsync("Downloaded 'big.bin'", Deadline);
        Assert.Contains("(4 of 33 pieces were already verified on disk)", done, StringComparison.Ordinal);
        Assert.Contains("2 pieces recorded as verified no longer matched and were fetched again", done, StringComparison.Ordinal);
        Assert.Contains("29 pieces", done, StringComparison.Ordinal);
        Assert.Contains("recorded as verified no longer match the manifest", second.Errors, StringComparison.Ordinal); // told at once, on stderr
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(repo, "big.bin")));
    }

    [Fact]
    public async Task A_second_get_of_the_same_file_into_the_same_folder_says_another_process_has_it_and_the_next_proceeds_once_the_holder_is_killed()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(32 * 64 * 1024 + 999, seed: 52);
        var gate = new PieceGate(free: 6);
        var seeder = await StartSeederAsync(net, content, gate);
        var manifest = seeder.Repository.Files.Single().Manifest;
        string repo = net.Folder.Sub("leecher");
        string[] get = GetArgs(net, repo);

        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            await first.WaitForLineAsync("Downloading 'big.bin'", Deadline);
            await Eventually.TrueAsync(() => Task.FromResult(DownloadOnDisk.PiecesInPart(repo, manifest, content) == 6), "the first get writes its 6 pieces", Deadline);

            using (var second = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
            {
                Assert.Equal(1, await second.WaitForExitAsync(Deadline));
                var refused = await second.WaitForLineAsync("Download of 'big.bin' failed", Deadline);
                Assert.Contains("another process has the download of 'big.bin'", refused, StringComparison.Ordinal);
                Assert.Contains("Only one process at a time can download a file into a folder", refused, StringComparison.Ordinal);
                Assert.DoesNotContain("Unhandled", second.Errors, StringComparison.Ordinal);
            }
            // The refused process touched nothing of the first one's download.
            Assert.Equal(6, DownloadOnDisk.PiecesInPart(repo, manifest, content));
            Assert.InRange(DownloadOnDisk.AssertClaimsAreTrue(repo, manifest, content), 0, 6);
            await first.KillAsync(Deadline); // the OS releases its lock
        }

        gate.Open();
        using var third = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get);
        Assert.Equal(0, await third.WaitForExitAsync(Deadline));
        await third.WaitForLineAsync("Downloaded 'big.bin'", Deadline);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(repo, "big.bin")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repo, Repository.StateDirectoryName, "downloads")));
    }

    [Fact]
    public async Task Get_of_a_file_already_complete_here_exits_0_saying_it_already_has_it_also_after_a_crash_just_after_the_final_rename()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(8 * 64 * 1024 + 5, seed: 53);
        var seeder = await StartSeederAsync(net, content, new PieceGate(free: int.MaxValue));
        var manifest = seeder.Repository.Files.Single().Manifest;
        string repo = net.Folder.Sub("leecher");
        string[] get = GetArgs(net, repo);
        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
            Assert.Equal(0, await first.WaitForExitAsync(Deadline));

        using (var again = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            Assert.Equal(0, await again.WaitForExitAsync(Deadline));
            Assert.Contains($"Already have 'big.bin': {Path.Combine(repo, "big.bin")} is complete", await again.WaitForLineAsync("Already have", Deadline), StringComparison.Ordinal);
            Assert.DoesNotContain("Downloading", again.Output, StringComparison.Ordinal);
        }

        // A crash just after the final rename leaves the download's state and manifest beside the finished file.
        var paths = DownloadPaths.For(Path.Combine(repo, Repository.StateDirectoryName, "downloads"), manifest.Id);
        File.WriteAllBytes(paths.Manifest, manifest.ToBytes());
        File.WriteAllBytes(paths.State, new PartState("big.bin", manifest, PieceSet.Full(manifest.PieceCount)).ToBytes());
        using var afterCrash = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get);
        Assert.Equal(0, await afterCrash.WaitForExitAsync(Deadline));
        await afterCrash.WaitForLineAsync("Already have 'big.bin'", Deadline);
        Assert.False(File.Exists(paths.State));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(repo, "big.bin")));
    }

    [Fact]
    public async Task Get_into_the_current_folder_run_twice_says_it_already_has_the_file_and_downloads_nothing()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(8 * 64 * 1024 + 5, seed: 54);
        await StartSeederAsync(net, content, new PieceGate(free: int.MaxValue));
        string here = net.Folder.Sub("here");
        // No --repo: `get` saves into its working folder and shares nothing else from it, so the second run
        // must find the finished file by itself rather than by a scan of the folder.
        string[] get = ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--tracker", net.TrackerAddress];
        using (var first = RunningProcess.Start("P2PShare.Peer", here, get))
            Assert.Equal(0, await first.WaitForExitAsync(Deadline));
        var written = File.GetLastWriteTimeUtc(Path.Combine(here, "big.bin"));

        using var again = RunningProcess.Start("P2PShare.Peer", here, get);
        Assert.Equal(0, await again.WaitForExitAsync(Deadline));
        await again.WaitForLineAsync("Already have 'big.bin'", Deadline);
        Assert.DoesNotContain("Downloading", again.Output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(here, "big.bin")));
        Assert.Equal(["big.bin"], Directory.GetFiles(here).Select(Path.GetFileName));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(here, "big.bin")));
    }

    [Fact]
    public async Task Get_run_again_where_another_file_had_the_name_finds_the_numbered_copy_it_saved_and_downloads_nothing()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(8 * 64 * 1024 + 5, seed: 55);
        await StartSeederAsync(net, content, new PieceGate(free: int.MaxValue));
        string here = net.Folder.Sub("here");
        var other = TestFiles.Random(3000, seed: 56);
        TestFiles.Write(here, "big.bin", other); // a different file already has the name
        string[] get = ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--tracker", net.TrackerAddress];
        string saved = Path.Combine(here, "big (2).bin");
        using (var first = RunningProcess.Start("P2PShare.Peer", here, get))
            Assert.Equal(0, await first.WaitForExitAsync(Deadline));
        Assert.Equal(content, File.ReadAllBytes(saved));
        var written = File.GetLastWriteTimeUtc(saved);

        using var again = RunningProcess.Start("P2PShare.Peer", here, get);
        Assert.Equal(0, await again.WaitForExitAsync(Deadline));
        Assert.Contains($"Already have 'big.bin': {saved} is complete", await again.WaitForLineAsync("Already have", Deadline), StringComparison.Ordinal);
        Assert.DoesNotContain("Downloading", again.Output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(saved));
        Assert.Equal(["big (2).bin", "big.bin"], Directory.GetFiles(here).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(other, File.ReadAllBytes(Path.Combine(here, "big.bin")));
    }

    [Fact]
    public async Task A_failed_download_of_a_file_claiming_1_GiB_leaves_nothing_behind_not_even_its_reserved_space()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var seederOptions = net.Options("liar") with { PieceLength = 4 << 20 };
        using (var sparse = File.Create(Path.Combine(seederOptions.RepositoryPath!, "huge.bin")))
            sparse.SetLength(1L << 30); // claims 1 GiB, takes nothing on the seeder's disk either
        await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = CorruptPieces.Wrap });
        var leecherOptions = net.Options("leecher");
        var leecher = await net.StartPeerAsync(leecherOptions);
        string downloads = Path.Combine(leecherOptions.RepositoryPath!, Repository.StateDirectoryName, "downloads");

        var download = await leecher.RequestAsync("huge.bin", CancellationToken.None);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.Empty(Directory.EnumerateFiles(downloads));
        Assert.Empty(leecher.Repository.Files);
        long allocated = Directory.EnumerateFiles(leecherOptions.RepositoryPath!, "*", SearchOption.AllDirectories).Sum(f => FileStamp.AllocatedBytes(f) ?? new FileInfo(f).Length);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    private static string[] GetArgs(PeerNetwork net, string repo) =>
        ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress];

    private static async Task<PeerNode> StartSeederAsync(PeerNetwork net, byte[] content, PieceGate gate)
    {
        var options = net.Options("seeder");
        TestFiles.Write(options.RepositoryPath!, "big.bin", content);
        return await net.StartPeerAsync(options, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
    }
}
