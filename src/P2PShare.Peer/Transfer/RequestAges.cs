namespace P2PShare.Peer.Transfer;

/// <summary>
/// When each piece in flight was asked for, and how long a piece usually takes from asking to
/// verified (a moving mean), so the end-game duplicates only a late piece: one asked more than
/// <see cref="Lateness"/> times the usual wait ago. Where every holder is as fast, the last pieces come
/// on time, and duplicates of them cost the seeder's link (20 of its 28 extra sends at N=15) and
/// 1.02-1.05 copies received (docs/BENCHMARKS.md, `lan`). Timestamps are the picker's clock's.
/// </summary>
internal sealed class RequestAges(int count)
{
    /// <summary>How many usual waits old a request must be to count as late.</summary>
    public const double Lateness = 2;

    private readonly long[] _askedAt = new long[count];     // per piece: its oldest request in flight
    private readonly long[] _lastAskedAt = new long[count]; // per piece: its newest request in flight
    private double _usualWait;                              // in clock ticks; 0 until a piece has come
    private long _patience;                                 // for the current pick

    /// <summary>After <see cref="BeginPick"/>: the earliest time a piece looked at becomes late (MaxValue: none).</summary>
    public long NextLate { get; private set; } = long.MaxValue;

    /// <summary>A pick begins: the patience is fixed for it, and the next late time found anew.</summary>
    public void BeginPick()
    {
        _patience = (long)(Lateness * _usualWait);
        NextLate = long.MaxValue;
    }

    /// <summary><paramref name="piece"/> was asked for at <paramref name="now"/>; <paramref name="first"/> when no other request for it is in flight.</summary>
    public void Asked(int piece, long now, bool first)
    {
        if (first)
            _askedAt[piece] = now;
        _lastAskedAt[piece] = now;
    }

    /// <summary>The first verified copy of a piece in flight arrived at <paramref name="now"/>.</summary>
    public void Arrived(int piece, long now)
    {
        long waited = now - _askedAt[piece];
        _usualWait = _usualWait == 0 ? waited : (0.8 * _usualWait) + (0.2 * waited);
    }

    /// <summary>
    /// Whether <paramref name="piece"/> is late enough at <paramref name="now"/> for another request. With
    /// <paramref name="duplicated"/> (a duplicate is already in flight) the duplicate must be late too, so two
    /// holders that never answer cannot keep the piece from an idle one that does; and never before a wait was measured.
    /// </summary>
    public bool IsLate(int piece, long now, bool duplicated)
    {
        if (duplicated && _usualWait == 0)
            return false;
        long lateAt = (duplicated ? _lastAskedAt[piece] : _askedAt[piece]) + _patience;
        if (now >= lateAt)
            return true;
        NextLate = Math.Min(NextLate, lateAt);
        return false;
    }
}
