using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>How long the swarm's supervisor sleeps, on a clock the test moves: until the next deadline, not a fixed poll.</summary>
public sealed class SwarmSleepTests
{
    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public async Task With_nobody_connected_the_swarm_sleeps_until_the_holder_wait_is_over_at_most_a_second_at_a_time()
    {
        var clock = new FakeTimeProvider();
        var options = new PeerOptions { HolderWait = Ms(1500) };
        var swarm = new HolderSwarm("file.bin", Array.Empty<HolderEntry>(), options, 0, NullLogger.Instance, null, clock);

        Assert.Equal(Ms(1000), swarm.Supervise([])); // a 200 ms poll looked five times a second for nothing
        clock.Advance(Ms(1000));
        Assert.Equal(Ms(500), swarm.Supervise([]));
        Assert.False(swarm.Ended.IsCompleted);
        clock.Advance(Ms(500));
        swarm.Supervise([]);

        Assert.Equal(SwarmEnd.Unreachable, await swarm.Ended.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_stall_counts_from_the_first_look_that_finds_nothing_to_fetch_so_looks_far_apart_never_end_it_early()
    {
        using var folder = new StorageTestFolder();
        var data = StorageTestFolder.Bytes(4 * 1024, 5);
        var file = folder.Open(1024).OpenDownload(StorageTestFolder.ManifestOf(data, 1024), "file.bin");
        var idle = new PieceBoard(file, new ChangeSignal(), _ => { }); // no holder joined: nothing to fetch, nothing in flight
        var watch = new EndWatch(holderWait: TimeSpan.FromMinutes(1), stallTimeout: Ms(3000));

        Assert.Null(watch.Check(Ms(0), idle, noneConnectedSince: Ms(0), out var untilNext)); // nobody yet
        Assert.Equal(TimeSpan.FromMinutes(1), untilNext);
        // The next look comes 10 s later (a holder connected, the change woke it): the stall begins now, not at the last look.
        Assert.Null(watch.Check(Ms(10_000), idle, noneConnectedSince: null, out untilNext));
        Assert.Equal(Ms(3000), untilNext);
        Assert.Null(watch.Check(Ms(12_500), idle, noneConnectedSince: null, out untilNext));
        Assert.Equal(Ms(500), untilNext);

        Assert.Equal(SwarmEnd.Stalled, watch.Check(Ms(13_000), idle, noneConnectedSince: null, out _));
    }
}
