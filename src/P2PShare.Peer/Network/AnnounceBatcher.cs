namespace P2PShare.Peer.Network;

/// <summary>
/// Coalesces requests for a full announce: at most one is in flight, every request made meanwhile
/// joins the one next announce, and announces start at least <c>gap</c> apart. An announce carries
/// the whole repository, so one per finished file of a folder cost the square of the folder's size
/// (5,000 files: 10,000 announces of up to 5,000 entries each); batched, a folder is announced a few
/// times a second however fast its files finish. The first request of a quiet spell goes out at once,
/// so a single download is told to the tracker as promptly as before.
/// </summary>
public sealed class AnnounceBatcher
{
    private readonly Func<Task> _announce;
    private readonly TimeSpan _gap;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _pumping;
    private long _lastStart;
    private bool _started;

    /// <param name="announce">Sends one full announce of the repository as it is then; best effort, it should not throw.</param>
    /// <param name="gap">The least time between the starts of two announces (zero: back to back).</param>
    /// <param name="clock">Times the gap; the system clock unless a test brings its own.</param>
    public AnnounceBatcher(Func<Task> announce, TimeSpan gap, TimeProvider? clock = null)
    {
        _announce = announce;
        _gap = gap;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// Asks for an announce that starts after this call (so it carries what the repository holds now);
    /// completes when that announce has been answered or has failed.
    /// </summary>
    public Task RequestAsync()
    {
        TaskCompletionSource next;
        lock (_gate)
        {
            if (_next is { } joined)
                return joined.Task;
            _next = next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_pumping)
                return next.Task; // the announce in flight is followed by this one
            _pumping = true;
        }
        _ = PumpAsync();
        return next.Task;
    }

    // Sends the waiting batch, one after another, until a batch finds no request waiting.
    private async Task PumpAsync()
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
                wait = _started ? _gap - _clock.GetElapsedTime(_lastStart) : TimeSpan.Zero;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _clock); // requests made meanwhile join this batch
            TaskCompletionSource? batch;
            lock (_gate)
            {
                batch = _next;
                _next = null;
                if (batch is null)
                {
                    _pumping = false;
                    return;
                }
                _lastStart = _clock.GetTimestamp();
                _started = true;
            }
            try
            {
                await _announce();
            }
            catch (Exception)
            {
                // Best effort, as every announce: the next one (or the tracker's refresh) repairs it.
            }
            finally
            {
                batch.TrySetResult();
            }
        }
    }
}
