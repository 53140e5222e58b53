using System.Collections.Concurrent;

namespace P2PShare.Tracker.Network;

/// <summary>
/// Tasks started off a read loop (updates, busy refusals), kept so a stop can wait for them. Each
/// task handles its own errors; this only tracks them.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public void Start(Func<Task> work)
    {
        var task = Task.Run(work);
        _running.TryAdd(task, 0);
        // Registered after the add, so the removal can never come first.
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when everything running now has finished.</summary>
    public Task WhenAll() => Task.WhenAll(_running.Keys);
}
