using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>
/// A download looks for new holders soon after it starts, then less often: downloaders started
/// together become holders with their first piece, and each second spent not knowing of them is a
/// second their links pass nothing to each other.
/// </summary>
public sealed class HolderRefreshTests
{
    private const int Pieces = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Content = StorageTestFolder.Bytes(Pieces * TestSeeder.PieceLength, seed: 23);

    [Fact]
    public void The_waits_between_look_ups_start_at_an_eighth_of_the_interval_and_double_up_to_it()
    {
        var pace = new RefreshPace(TimeSpan.FromSeconds(1));

        var waits = Enumerable.Range(0, 6).Select(_ => pace.Next().TotalMilliseconds).ToArray();

        Assert.Equal([125, 250, 500, 1000, 1000, 1000], waits);
    }

    [Fact]
    public async Task A_holder_whose_dial_failed_and_that_the_tracker_no_longer_lists_is_no_longer_named_as_dropped()
    {
        // A fellow downloader that completes is dialled (it was still listed) and refuses; the tracker then
        // stops listing it. The tester saw it in every later progress line and the summary as 'dropped'.
        using var departed = new RefusingPort();
        var gone = departed.Holder;
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, HolderWait = TimeSpan.FromMinutes(5), HolderRefreshInterval = TimeSpan.FromMilliseconds(200) };
        int looks = 0;
        IReadOnlyList<HolderEntry> listed = [gone];
        var swarm = new HolderSwarm("file.bin", [gone], options, 0, NullLogger.Instance, _ =>
        {
            Interlocked.Increment(ref looks);
            return Task.FromResult(Volatile.Read(ref listed));
        });
        using var stop = new CancellationTokenSource();
        var running = swarm.RunAsync((_, _, _) => Task.FromResult<HolderDrop?>(null), stop.Token);
        var holder = HolderAddress.Of(gone);
        await Eventually.TrueAsync(() => Task.FromResult(swarm.DroppedNow().ContainsKey(holder)), "the refused dial is named", Deadline);

        Volatile.Write(ref listed, []);
        int before = Volatile.Read(ref looks);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref looks) > before + 1), "the tracker is asked again", Deadline);

        Assert.Empty(swarm.DroppedNow());
        await stop.CancelAsync();
        await running.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_holder_that_appears_after_the_download_started_is_used_long_before_the_refresh_interval()
    {
        var interval = TimeSpan.FromSeconds(20);
        await using var stuck = await TestSeeder.StartAsync(Content, beforeServing: new PieceGate(free: 0).WaitAsync); // listed, serves nothing
        await using var newcomer = await TestSeeder.StartAsync(Content);
        using var folder = new StorageTestFolder();
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, StatePersistInterval = TimeSpan.Zero, HolderRefreshInterval = interval, HolderWait = TimeSpan.FromMinutes(5) };
        var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [stuck.Entry()], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance,
            _ => Task.FromResult<IReadOnlyList<HolderEntry>>([stuck.Entry(), newcomer.Entry()]));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        var run = session.RunAsync(stop.Token);
        var finished = await Task.WhenAny(run, Task.Delay(interval / 2));
        await stop.CancelAsync();

        Assert.True(finished == run, $"the newcomer was not used within {interval / 2} (refresh interval {interval})");
        var result = await run;
        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {P2PShare.Peer.Commands.DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.True(clock.Elapsed < interval / 2, $"took {clock.Elapsed}");
    }
}
