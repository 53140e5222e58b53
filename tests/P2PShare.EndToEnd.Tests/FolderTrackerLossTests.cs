using Microsoft.Extensions.Logging;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A folder whose tracker restarts mid-fetch: files whose holders are known go on, and a file that
/// still has to look its holders up waits for the tracker (and for its holders to report again)
/// instead of failing at once; a stop ends that wait at once.
/// </summary>
public sealed class FolderTrackerLossTests
{
    private const int Files = 5; // one more than a folder fetches at once, so the last is looked up only after another ends
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static byte[] Content(int i) => TestFiles.Random(200_000 + i, seed: 300 + i); // several 64 KiB pieces: one download each

    private sealed record Setup(PeerNetwork Net, PeerNode Downloader, FolderDownload Folder, TaskCompletionSource Gate, ListLogger Log, int TrackerPort);

    // The holder serves nothing until the gate opens; the tracker is stopped once the first files hold their holders.
    private static async Task<Setup> LoseTrackerMidFolderAsync(ILoggerFactory loggers, ListLogger log)
    {
        var net = new PeerNetwork { Loggers = loggers };
        await net.StartTrackerAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The holder comes back to the tracker seconds after the downloader, so the downloader's look-up finds nobody first.
        var holder = net.Options("a") with { ReconnectInitialDelay = TimeSpan.FromSeconds(4) };
        for (int i = 0; i < Files; i++)
        {
            Directory.CreateDirectory(Path.Combine(holder.RepositoryPath!, "dir"));
            TestFiles.Write(holder.RepositoryPath!, Path.Combine("dir", $"f{i}.bin"), Content(i));
        }
        await net.StartPeerAsync(holder, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(ct => gate.Task.WaitAsync(ct)) });
        var downloader = await net.StartPeerAsync(net.Options("b") with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(100), HolderRefreshInterval = TimeSpan.FromMilliseconds(200) });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        downloader.Notice += n =>
        {
            if (n is TrackerLost)
                lost.TrySetResult();
        };

        var folder = await downloader.RequestFolderAsync("dir/", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(downloader.Downloads.Count == FolderDownload.FilesAtOnce), "the first files have their holders", Deadline);
        int port = await net.StopTrackerAsync();
        await lost.Task.WaitAsync(Deadline);
        gate.TrySetResult(); // the first files finish; the last one now needs the tracker, which is gone
        await Eventually.TrueAsync(() => Task.FromResult(folder.Completion.IsCompleted || log.Has(LogLevel.Debug, "waits for the tracker to come back")),
            "the last file fails or waits for the tracker", Deadline);
        return new Setup(net, downloader, folder, gate, log, port);
    }

    [Fact]
    public async Task A_tracker_restart_mid_folder_makes_the_files_still_to_look_up_wait_for_it_and_the_folder_completes()
    {
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(log)).SetMinimumLevel(LogLevel.Debug));
        var (net, downloader, folder, _, _, port) = await LoseTrackerMidFolderAsync(loggers, log);
        await using var _ = net;

        await net.StartTrackerAsync(port);
        var result = await folder.Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal(Files, result.Fetched);
        for (int i = 0; i < Files; i++)
            Assert.Equal(Content(i), File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "dir", $"f{i}.bin")));
    }

    [Fact]
    public async Task Stopping_a_folder_whose_file_waits_for_the_tracker_is_prompt()
    {
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(log)).SetMinimumLevel(LogLevel.Debug));
        var (net, downloader, folder, _, _, _) = await LoseTrackerMidFolderAsync(loggers, log);
        await using var _ = net;

        await downloader.StopDownloadsAsync();
        var result = await folder.Completion.WaitAsync(TimeSpan.FromSeconds(5)); // the wait would last 30 s

        Assert.Equal(DownloadOutcome.Stopped, result.Outcome);
        Assert.Empty(result.Failed); // the waiting file is stopped, not failed (so are the first ones still under way)
        Assert.InRange(result.Fetched, 1, Files - 1);
    }

    [Fact]
    public async Task A_tracker_lost_while_a_batch_looks_up_its_small_files_keeps_them_in_the_batch()
    {
        const int small = 40;
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(log)).SetMinimumLevel(LogLevel.Debug));
        await using var net = new PeerNetwork { Loggers = loggers };
        await net.StartTrackerAsync();
        var holder = net.Options("a");
        Directory.CreateDirectory(Path.Combine(holder.RepositoryPath!, "small"));
        for (int i = 0; i < small; i++)
            TestFiles.Write(holder.RepositoryPath!, Path.Combine("small", $"s{i:D2}.bin"), TestFiles.Random(10_000 + i, seed: 400 + i));
        await net.StartPeerAsync(holder);
        // The downloader's tracker connection is cut by its first who_has, and stays unreachable until healed.
        await using var proxy = new CuttingProxy(net.Tracker.LocalEndPoint, "who_has");
        var downloader = await net.StartPeerAsync(net.Options("b") with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(200) }, join: false);
        await downloader.JoinAsync(proxy.Address, CancellationToken.None).WaitAsync(Deadline);

        var folder = await downloader.RequestFolderAsync("small/", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(log.Has(LogLevel.Debug, "waits for the tracker to come back") || log.Has(LogLevel.Debug, "A folder's batch placed")),
            "the batch's look-ups wait for the tracker, or the batch gives up", Deadline);
        proxy.Heal();
        var result = await folder.Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.True(log.Has(LogLevel.Debug, $"A folder's batch placed {small} of {small} small files"), "every small file stayed in the batch");
    }
}
