namespace P2PShare.Peer.Network;

/// <summary>
/// Announces asked for while one is under way become one more announce after it, never a queue of
/// them, and that one waits <see cref="Spacing"/> after the last: each announce carries the whole
/// repository and shares the tracker connection with the folder's <c>who_has</c> look-ups, so a
/// folder's files finishing by the hundred cost a few announces, and nobody waits for them (a file
/// placed is announced by the next one, at most <see cref="Spacing"/> plus one announce later).
/// </summary>
internal sealed class CoalescedAnnounce(Func<Task> announce)
{
    /// <summary>The least time between two announces asked for in a row.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(250);

    private int _state; // 0 idle, 1 running, 2 or more: running and asked again

    /// <summary>Asks for an announce soon; returns at once.</summary>
    public void Request()
    {
        if (Interlocked.Increment(ref _state) == 1)
            _ = RunAsync();
        else
            Interlocked.CompareExchange(ref _state, 2, 3); // asked while running (2 already, or 3 now): remember once
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        while (true)
        {
            Volatile.Write(ref _state, 1);
            await announce(); // never faults: the tracker link's quiet announce logs its own failures
            if (Interlocked.CompareExchange(ref _state, 0, 1) == 1)
                return;
            await Task.Delay(Spacing); // asked again meanwhile: once more, after a pause that lets look-ups through
        }
    }
}
