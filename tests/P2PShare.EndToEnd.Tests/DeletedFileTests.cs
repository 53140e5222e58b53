using System.Diagnostics;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A shared file deleted from the serving peer's folder while it is being fetched: the seeder stops
/// offering it (not-found to the fetcher, gone from the tracker), and the fetcher gives up within its
/// holder wait instead of dialling the seeder again forever.
/// </summary>
public sealed class DeletedFileTests
{
    private const string FileName = "del.bin";
    private const int Pieces = 32; // of 64 KiB (PeerNetwork's piece length)
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly byte[] Content = TestFiles.Random(Pieces * 64 * 1024, seed: 77);

    [Fact]
    public async Task A_file_deleted_at_its_only_seeder_mid_download_fails_the_download_within_the_holder_wait_and_leaves_the_tracker()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var gate = new PieceGate(free: 5);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, FileName, Content);
        var seeder = await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
        var wait = TimeSpan.FromSeconds(2);
        var downloader = await net.StartPeerAsync(net.Options("c") with { HolderWait = wait, StallTimeout = wait });
        var download = await downloader.RequestAsync(FileName, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(download.Session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);

        File.Delete(Path.Combine(seederOptions.RepositoryPath!, FileName));
        var sinceDeleted = Stopwatch.StartNew();
        gate.Open(); // the requests held in the seeder now meet a file that is gone
        var result = await download.Completion.WaitAsync(Deadline);
        sinceDeleted.Stop();

        var endpoint = new HolderAddress("127.0.0.1", seeder.ServingEndPoint.Port);
        Assert.True(result.Outcome == DownloadOutcome.Failed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.True(sinceDeleted.Elapsed < TimeSpan.FromSeconds(20), $"it took {sinceDeleted.Elapsed} to give up: {DownloadText.Reason(result)}");
        Assert.StartsWith("27 of 32 pieces are missing (pieces ", DownloadText.Reason(result), StringComparison.Ordinal);
        Assert.True(DownloadText.Reason(result)!.Contains($"tried {endpoint} (it no longer has the file", StringComparison.Ordinal), DownloadText.Reason(result));
        Assert.Contains(endpoint, result.DroppedPeers.Keys);
        // Only the downloader's 5 verified pieces are left in the network: the seeder no longer claims the file.
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.List(FileName) is [{ CompleteHolders: 0, PartialHolders: 1 }]),
            "the tracker no longer lists the seeder as a holder", Deadline);
        Assert.DoesNotContain(net.Tracker.Registry.WhoHas(0, download.Session.Id)!.Peers, p => p.Port == seeder.ServingEndPoint.Port);
        Assert.DoesNotContain(seeder.Repository.Files, f => f.Name == FileName);
    }
}
