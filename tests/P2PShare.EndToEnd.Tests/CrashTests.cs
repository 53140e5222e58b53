using System.Diagnostics;
using P2PShare.Peer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Peers as real processes that die or freeze: SIGKILL mid-download, SIGSTOP during an update. The
/// tracker and the seeder run in this process, so a <see cref="PieceGate"/> fixes how far a download gets.
/// </summary>
public sealed class CrashTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_downloader_killed_with_SIGKILL_resumes_from_its_verified_pieces_and_ends_byte_identical()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(32 * 64 * 1024 + 999, seed: 50); // 33 pieces
        var gate = new PieceGate(free: 6);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "big.bin", content);
        var seeder = await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
        var manifest = seeder.Repository.Files.Single().Manifest;
        string repo = net.Folder.Sub("leecher");
        string[] get = ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress];

        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            await first.WaitForLineAsync("Downloading 'big.bin'", Deadline);
            // Killed as soon as the 6 pieces the seeder lets through are in the .part, typically before
            // the batched state (every 0.5 s) records them: the restart must find them by hashing.
            await Eventually.TrueAsync(() => Task.FromResult(DownloadOnDisk.PiecesInPart(repo, manifest, content) == 6),
                "the 6 pieces the seeder lets through are written", Deadline);
            await first.KillAsync(Deadline);
        }

        Assert.False(File.Exists(Path.Combine(repo, "big.bin")));
        Assert.InRange(DownloadOnDisk.AssertClaimsAreTrue(repo, manifest, content), 0, 6);
        gate.Open();
        using var second = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get);
        Assert.Equal(0, await second.WaitForExitAsync(Deadline));
        var done = await second.WaitForLineAsync("Downloaded 'big.bin'", Deadline);
        Assert.Contains("27 pieces", done, StringComparison.Ordinal);
        Assert.Contains("(6 of 33 pieces were already verified on disk)", done, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(repo, "big.bin")));
    }

    [Fact]
    public async Task Update_answers_within_the_bounded_wait_while_a_peer_process_is_frozen()
    {
        await using var net = new PeerNetwork(); // the tracker waits 2 s for re-reports
        await net.StartTrackerAsync();
        string repo = net.Folder.Sub("frozen");
        TestFiles.Write(repo, "frozen.txt", "still listed"u8.ToArray());
        using var frozen = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress);
        await frozen.WaitForLineAsync("Sharing", Deadline);
        var asker = await net.StartPeerAsync(net.Options("asker"));
        Signal(frozen, "STOP"); // alive, connected, and answering nothing

        var clock = Stopwatch.StartNew();
        var files = await asker.UpdateAsync(CancellationToken.None).WaitAsync(Deadline);
        clock.Stop();

        // Bounded by the tracker's 2 s wait plus slack for a loaded machine; a hang would run into the peer's 30 s UpdateTimeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2 + 8), $"update took {clock.Elapsed}");
        Assert.Equal(["frozen.txt"], files.Select(f => f.Name));
        Signal(frozen, "CONT");
    }

    private static void Signal(RunningProcess process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.WaitForExit(10_000) && kill.ExitCode == 0, $"kill -{signal} failed");
    }
}
