namespace P2PShare.Tracker.Network;

/// <summary>
/// Keeps a client's newest view: the announce read last from its connection wins, whichever is recorded last. A
/// refresh answer is recorded on the asking client's thread (it awaits the answer), so it can come after an announce
/// the client sent after it, which its own read loop recorded at once; that older view must not replace the newer.
/// </summary>
internal sealed class AnnounceOrder
{
    private readonly Lock _gate = new();
    private long _lastRead;

    /// <summary>Runs <paramref name="record"/> for the <paramref name="sequence"/>th message read, unless a later one ran already (then null).</summary>
    public T? Take<T>(long sequence, Func<T> record) where T : class
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (sequence < _lastRead)
                return null;
            _lastRead = sequence;
            return record();
        }
    }
}
