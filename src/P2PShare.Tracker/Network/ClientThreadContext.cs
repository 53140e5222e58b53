namespace P2PShare.Tracker.Network;

/// <summary>
/// Keeps one client's async work on the client's own dedicated thread: every continuation its
/// awaits post comes back here instead of running on the shared thread pool. The pool has one
/// FIFO queue; with a thousand peers joining at once a lookup waited there behind every announce
/// queued before it. On their own threads the OS scheduler shares the cores between clients, so a
/// client that was idle runs soon after its request arrives.
/// </summary>
internal sealed class ClientThreadContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly object _gate = new();
    private bool _finishing;
    private bool _finished;

    private ClientThreadContext()
    {
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the calling thread, then every continuation it posts, until
    /// the task it returns completes; throws what that task throws.
    /// </summary>
    public static void Run(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var context = new ClientThreadContext();
        var previous = Current;
        SetSynchronizationContext(context);
        try
        {
            var task = body();
            task.ContinueWith(static (_, state) => ((ClientThreadContext)state!).Finish(), context,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.Pump();
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <inheritdoc />
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        lock (_gate)
        {
            if (!_finished)
            {
                _queue.Enqueue((d, state));
                Monitor.Pulse(_gate);
                return;
            }
        }
        // The session is over but something it started still completes (a late timer): the pool runs it.
        ThreadPool.QueueUserWorkItem(static s => s.d(s.state), (d, state), preferLocal: false);
    }

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;

    private void Finish()
    {
        lock (_gate)
        {
            _finishing = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Pump()
    {
        try
        {
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_finishing)
                        Monitor.Wait(_gate);
                    if (_queue.Count == 0)
                        return;
                    next = _queue.Dequeue();
                }
                next.Callback(next.State);
            }
        }
        finally
        {
            // From here on posts go to the pool; so does anything left queued if a callback threw.
            lock (_gate)
            {
                _finished = true;
                while (_queue.TryDequeue(out var left))
                    ThreadPool.QueueUserWorkItem(static s => s.Callback(s.State), left, preferLocal: false);
            }
        }
    }
}
