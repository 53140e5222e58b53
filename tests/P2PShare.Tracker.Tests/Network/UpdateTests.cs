using System.Diagnostics;
using Microsoft.Extensions.Logging;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

public sealed class UpdateTests
{
    [Fact]
    public async Task Update_has_the_tracker_refresh_the_other_peers_and_returns_their_fresh_files()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var asker = await TestPeer.JoinAsync(tracker, 7001);
        await using var other = await TestPeer.JoinAsync(tracker, 7002);
        await other.AnnounceAsync(Files.Complete("old.txt", "old"));
        other.Files = [Files.Complete("new.txt", "new")]; // Changed since its announce; only a refresh tells.

        var files = await asker.UpdateAsync();

        Assert.Equal(["new.txt"], files.Select(f => f.Name));
        Assert.Equal(1, other.Refreshes);
        Assert.Equal(0, asker.Refreshes);
    }

    [Fact]
    public async Task Update_with_a_silent_peer_answers_within_the_update_wait()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { UpdateWait = TimeSpan.FromSeconds(1) }, logger);
        await using var asker = await TestPeer.JoinAsync(tracker, 7001);
        await using var silent = await TestPeer.JoinAsync(tracker, 7002, answersRefresh: false);
        await using var helpful = await TestPeer.JoinAsync(tracker, 7003);
        await silent.AnnounceAsync(Files.Complete("silent.txt", "silent"));
        helpful.Files = [Files.Complete("fresh.txt", "fresh")];

        var clock = Stopwatch.StartNew();
        var files = await asker.UpdateAsync();
        clock.Stop();

        // The 1 s wait plus slack for a loaded machine; waiting out the 10 s request timeout instead would still fail.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1 + 7), $"update took {clock.Elapsed}");
        Assert.Equal(["fresh.txt", "silent.txt"], files.Select(f => f.Name));
        Assert.Equal(1, silent.Refreshes);
        Assert.True(logger.Has(LogLevel.Warning, "did not answer a refresh within 1 s"), string.Join("\n", logger.Lines));
    }

    [Fact]
    public async Task Two_peers_updating_at_once_each_answer_the_others_refresh()
    {
        // With an update wait far beyond the deadline, finishing at all proves nobody waited it out.
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { UpdateWait = TimeSpan.FromMinutes(5) });
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);
        a.Files = [Files.Complete("from-a.txt", "a")];
        b.Files = [Files.Complete("from-b.txt", "b")];

        var both = await Task.WhenAll(a.UpdateAsync(), b.UpdateAsync()).WaitAsync(TestTracker.Deadline);

        Assert.Contains("from-b.txt", both[0].Select(f => f.Name));
        Assert.Contains("from-a.txt", both[1].Select(f => f.Name));
        Assert.Equal((1, 1), (a.Refreshes, b.Refreshes));
    }

    [Fact]
    public async Task Update_with_no_other_peer_answers_at_once_with_the_current_list()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { UpdateWait = TimeSpan.FromMinutes(5) });
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        await peer.AnnounceAsync(Files.Complete("mine.txt", "mine"));

        Assert.Equal(["mine.txt"], (await peer.UpdateAsync()).Select(f => f.Name));
    }
}
