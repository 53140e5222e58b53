namespace P2PShare.Peer.Transfer;

/// <summary>
/// Whether a download has to end for want of holders, and how long until that can next become true,
/// so the swarm sleeps until then instead of looking every 200 ms. Not thread-safe: the swarm calls
/// it under its lock.
/// </summary>
internal sealed class EndWatch(TimeSpan holderWait, TimeSpan stallTimeout)
{
    private bool _stalling;     // at the last look, holders were connected with nothing to give
    private TimeSpan _usefulAt; // while stalling: when a piece last arrived, or the stall began

    /// <summary>A piece arrived: a stall counts from now.</summary>
    public void Useful(TimeSpan now) => _usefulAt = now;

    /// <summary>
    /// How the download must end now, if it must: complete; no holder connected for the holder wait
    /// since <paramref name="noneConnectedSince"/> (which the pool keeps across holders that connect
    /// only to fail before giving a piece; time with nobody is not a stall); or connected
    /// holders with no missing piece to give and nothing in flight for the stall timeout. Else null,
    /// and <paramref name="untilNext"/> says when that can change without a change being raised
    /// (infinite: only a change can).
    /// </summary>
    public SwarmEnd? Check(TimeSpan now, PieceBoard? board, TimeSpan? noneConnectedSince, out TimeSpan untilNext)
    {
        untilNext = Timeout.InfiniteTimeSpan;
        if (board is { IsComplete: true })
            return SwarmEnd.Complete;
        if (noneConnectedSince is { } since)
        {
            _stalling = false;
            return Due(since + holderWait - now, SwarmEnd.Unreachable, out untilNext);
        }
        if (board is null || board.HasWork())
        {
            _stalling = false; // a piece, a release or a loss raises a change when this stops being true
            return null;
        }
        if (!_stalling)
        {
            // Work ended since the last look, which such a change woke: counting from now never ends a download early.
            _stalling = true;
            _usefulAt = now;
        }
        return Due(_usefulAt + stallTimeout - now, SwarmEnd.Stalled, out untilNext);
    }

    private static SwarmEnd? Due(TimeSpan left, SwarmEnd end, out TimeSpan untilNext)
    {
        untilNext = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        return left > TimeSpan.Zero ? null : end;
    }
}
