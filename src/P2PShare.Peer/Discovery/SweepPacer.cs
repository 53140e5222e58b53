using System.Diagnostics;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// Sends a sweep's datagrams at a fixed rate, in batches every 20 ms. Paced against a schedule, not
/// by summing delays: a timer that fires early or late never lets the sweep run faster than its
/// rate, and a late one is not made up for by a burst.
/// </summary>
internal static class SweepPacer
{
    private const int BatchMilliseconds = 20;

    /// <summary>Sends each of <paramref name="items"/> in turn at <paramref name="perSecond"/>, until they are done, <paramref name="enough"/> says so, or <paramref name="stop"/> is cancelled.</summary>
    public static async Task RunAsync<T>(IEnumerable<T> items, int perSecond, Func<T, Task> send, Func<bool> enough, CancellationToken stop)
    {
        int perBatch = Math.Max(1, perSecond * BatchMilliseconds / 1000);
        int inBatch = 0;
        int batches = 0;
        var clock = Stopwatch.StartNew();
        foreach (var item in items)
        {
            if (stop.IsCancellationRequested || enough())
                return;
            await send(item);
            if (++inBatch < perBatch)
                continue;
            inBatch = 0;
            var due = TimeSpan.FromMilliseconds(++batches * BatchMilliseconds);
            try
            {
                for (var left = due - clock.Elapsed; left > TimeSpan.Zero; left = due - clock.Elapsed)
                    await Task.Delay(left + TimeSpan.FromMilliseconds(1), stop);
                batches = Math.Max(batches, (int)(clock.Elapsed.TotalMilliseconds / BatchMilliseconds));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
