namespace P2PShare.Peer.Network;

/// <summary>
/// Announces asked for while one is under way become one more announce after it, never a queue of
/// them: each announce carries the whole repository, so a folder's files finishing by the hundred
/// cost a few announces, and nobody waits for them (a file placed is announced by the next one).
/// </summary>
internal sealed class CoalescedAnnounce(Func<Task> announce)
{
    private int _state; // 0 idle, 1 running, 2 running and asked again

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
        do
        {
            Volatile.Write(ref _state, 1);
            await announce(); // never faults: the tracker link's quiet announce logs its own failures
        }
        while (Interlocked.CompareExchange(ref _state, 0, 1) != 1);
    }
}
