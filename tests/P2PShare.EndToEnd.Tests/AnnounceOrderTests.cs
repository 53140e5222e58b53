using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Two announces made at once reach the tracker in the order their snapshots of the repository were
/// taken, so the tracker ends with the newer view, never an older one sent last (seen under load: a
/// file adopted under the network's id stayed listed under the peer's own id).
/// </summary>
public sealed class AnnounceOrderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Name(int version) => $"v{version:D4}.bin";

    [Fact]
    public async Task An_announce_whose_snapshot_is_older_is_never_the_last_the_tracker_reads()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        int version = 0, stale = -1;
        IReadOnlyList<FileEntry> Snapshot()
        {
            int v = Interlocked.Increment(ref version);
            if (v == Volatile.Read(ref stale))
            {
                // Taken first, sent late: give a later announce every chance to reach the tracker before this one
                // (it cannot while announces go one at a time: then this wait simply runs out).
                SpinWait.SpinUntil(() => net.Tracker.Registry.List().Any(f => f.Name == Name(v + 1)), TimeSpan.FromSeconds(3));
            }
            return [new FileEntry(FileId.Parse(v.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)), Name(v), 1, 1, null)];
        }
        var hooks = new TrackerLinkHooks(() => 9, Snapshot, () => false, _ => { });
        await using var client = await TrackerClient.ConnectAsync("127.0.0.1", net.Tracker.LocalEndPoint.Port, hooks, net.Options("announcer"), NullLogger.Instance, CancellationToken.None);
        Volatile.Write(ref stale, Volatile.Read(ref version) + 1);

        var older = Task.Run(() => client.AnnounceAsync(CancellationToken.None));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref version) >= Volatile.Read(ref stale), Deadline), "the first announce took its snapshot");
        var newer = Task.Run(() => client.AnnounceAsync(CancellationToken.None));
        await Task.WhenAll(older, newer).WaitAsync(Deadline);

        Assert.Equal(Name(Volatile.Read(ref version)), Assert.Single(net.Tracker.Registry.List()).Name);
    }

    [Fact]
    public async Task A_refresh_answer_whose_snapshot_is_older_is_never_sent_after_a_newer_announce()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync(); // it waits 2 s for refresh answers
        int version = 0, stale = -1;
        IReadOnlyList<FileEntry> Snapshot()
        {
            int v = Interlocked.Increment(ref version);
            if (v == Volatile.Read(ref stale))
            {
                // The refresh answer's snapshot, taken first: give a later announce every chance to reach the tracker before
                // it (none can while the answer holds the announce gate: then this wait runs out, well within the tracker's 2 s).
                SpinWait.SpinUntil(() => net.Tracker.Registry.List().Any(f => f.Name == Name(v + 1)), TimeSpan.FromSeconds(1));
            }
            return [new FileEntry(FileId.Parse(v.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)), Name(v), 1, 1, null)];
        }
        int port = net.Tracker.LocalEndPoint.Port;
        await using var client = await TrackerClient.ConnectAsync("127.0.0.1", port, new TrackerLinkHooks(() => 9, Snapshot, () => false, _ => { }),
            net.Options("announcer"), NullLogger.Instance, CancellationToken.None);
        await using var asker = await TrackerClient.ConnectAsync("127.0.0.1", port, new TrackerLinkHooks(() => 8, () => [], () => false, _ => { }),
            net.Options("asker"), NullLogger.Instance, CancellationToken.None);
        Volatile.Write(ref stale, Volatile.Read(ref version) + 1);

        var update = asker.UpdateAsync(CancellationToken.None); // the tracker asks the announcer to refresh
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref version) >= Volatile.Read(ref stale), Deadline), "the refresh answer took its snapshot");
        var newer = Task.Run(() => client.AnnounceAsync(CancellationToken.None));
        await Task.WhenAll(update, newer).WaitAsync(Deadline);

        Assert.Equal(Name(Volatile.Read(ref version)), Assert.Single(net.Tracker.Registry.List()).Name);
    }
}
