using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Tests.Transfer;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>The resume notice waits for the manifest without waking the process meanwhile.</summary>
public sealed class ResumeNoticeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_download_waiting_for_its_manifest_sets_no_timer_and_says_nothing_when_it_ends()
    {
        // A get whose holders were out of reach polled for the piece count ten times a second for its whole holder wait.
        var content = StorageTestFolder.Bytes(4 * TestSeeder.PieceLength, seed: 7);
        var manifest = StorageTestFolder.ManifestOf(content, TestSeeder.PieceLength);
        using var folder = new StorageTestFolder();
        using var repository = new Repository(folder.Root, NullLogger.Instance, TestSeeder.PieceLength);
        var options = new PeerOptions { BindAddress = IPAddress.Loopback };
        using var refusing = new RefusingPort(); // every dial refused: no manifest ever comes
        var session = new DownloadSession(manifest.Id, "file.bin", content.Length, [refusing.Holder], repository, options, 0, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var download = new ActiveDownload(session, stop, session.RunAsync(stop.Token));
        var clock = new CountingClock();
        var said = new List<string>();

        var watch = ResumeNotice.WatchAsync(download, said.Add, clock);
        Assert.False(watch.IsCompleted);
        Assert.Equal(0, clock.Timers);

        await stop.CancelAsync();
        await watch.WaitAsync(Deadline);
        Assert.Equal(DownloadOutcome.Stopped, (await download.Completion.WaitAsync(Deadline)).Outcome);
        Assert.False(session.Opened.IsCompleted);
        Assert.Empty(said);
        Assert.Equal(0, clock.Timers);
    }

    private sealed class CountingClock : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}
