using System.Diagnostics;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary><c>get --seed-for</c>: a completed download serves on while others fetch from it, within its bound.</summary>
public sealed class FeedingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serving_ends_after_a_quiet_spell_once_nobody_is_connected()
    {
        int connected = 1;
        var clock = Stopwatch.StartNew();
        var waiting = Feeding.WaitAsync(() => Volatile.Read(ref connected), TimeSpan.FromMinutes(5), CancellationToken.None, quiet: TimeSpan.FromMilliseconds(300));
        await Eventually.TrueAsync(() => Task.FromResult(clock.Elapsed > TimeSpan.FromMilliseconds(500)), "half a second passes", Deadline);
        Assert.False(waiting.IsCompleted); // someone is still fetching
        var lastLeft = clock.Elapsed;
        Volatile.Write(ref connected, 0);

        Assert.Equal(FeedingEnd.OthersDone, await waiting.WaitAsync(Deadline));
        Assert.True(clock.Elapsed - lastLeft >= TimeSpan.FromMilliseconds(300), "it ended before the quiet spell");
    }

    [Fact]
    public async Task Serving_ends_at_the_bound_while_others_are_still_fetching()
    {
        var clock = Stopwatch.StartNew();
        var end = await Feeding.WaitAsync(() => 1, TimeSpan.FromMilliseconds(400), CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(FeedingEnd.BoundReached, end);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"ended after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_peer_nobody_connects_to_waits_one_quiet_spell_for_a_late_dialler_and_ends()
    {
        var clock = Stopwatch.StartNew();
        var end = await Feeding.WaitAsync(() => 0, TimeSpan.FromMinutes(5), CancellationToken.None, quiet: TimeSpan.FromMilliseconds(200)).WaitAsync(Deadline);

        Assert.Equal(FeedingEnd.OthersDone, end);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200), $"ended after {clock.Elapsed}");
    }
}
