namespace P2PShare.Peer.Transfer;

/// <summary>Wakes whoever waits for the download's state to change (a holder connected, a piece freed or verified).</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _changed = New();

    /// <summary>The next change; take it before looking at the state, so no change is missed.</summary>
    public Task Next => Volatile.Read(ref _changed).Task;

    /// <summary>Wakes every waiter.</summary>
    public void Raise() => Interlocked.Exchange(ref _changed, New()).TrySetResult();

    /// <summary>Waits for <paramref name="next"/> (from <see cref="Next"/>) at most <paramref name="timeout"/>.</summary>
    public static Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(next, timeout, TimeProvider.System, cancellationToken);

    /// <summary>Waits for <paramref name="next"/> (from <see cref="Next"/>) at most <paramref name="timeout"/> on <paramref name="clock"/>.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            await next.WaitAsync(timeout, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to look again.
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
