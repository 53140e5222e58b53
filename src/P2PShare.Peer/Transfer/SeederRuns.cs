namespace P2PShare.Peer.Transfer;

/// <summary>
/// Which seeder-only piece to ask a seeder for next: the one after the last, while it is still
/// seeder-only; otherwise a random seeder-only piece at least <see cref="Clearance"/> pieces (or half
/// the longest run) past the last piece known to be held or fetched. Downloaders learn what the
/// others fetched a second or so late, so pieces picked at random from the seeder collide often; a run
/// that starts clear of the others' runs collides only where it meets one, and by then that one's
/// start is known. Every downloader sees the same map, so the start is drawn at random, not computed.
/// </summary>
internal sealed class SeederRuns(Random random)
{
    /// <summary>How far past a piece someone holds a new run starts: about what a downloader fetches from the seeder before the others hear of it.</summary>
    public const int Clearance = 32;

    private readonly List<(int Start, int Length)> _runs = [];
    private int _next = -1;

    /// <summary>The next piece for a seeder from <paramref name="picker"/>'s pieces; -1 when no seeder-only piece is left.</summary>
    public int Next(PiecePicker picker, int count)
    {
        if (_next < 0 || _next >= count || !picker.SeederOnly(_next))
            _next = Jump(picker, count);
        if (_next < 0)
            return -1;
        return _next++;
    }

    // One pass collecting the runs of seeder-only pieces, then a random start among those far enough into a run.
    private int Jump(PiecePicker picker, int count)
    {
        _runs.Clear();
        int longest = 0, start = 0;
        for (int i = 0; i <= count; i++)
        {
            if (i < count && picker.SeederOnly(i))
                continue;
            if (i > start)
            {
                _runs.Add((start, i - start));
                longest = Math.Max(longest, i - start);
            }
            start = i + 1;
        }
        if (longest == 0)
            return -1;
        int skip = Math.Min(Clearance, longest / 2);
        int candidates = 0;
        foreach (var run in _runs)
            candidates += Math.Max(0, run.Length - skip);
        int pick = random.Next(candidates);
        foreach (var run in _runs)
        {
            int here = Math.Max(0, run.Length - skip);
            if (pick < here)
                return run.Start + skip + pick;
            pick -= here;
        }
        throw new InvalidOperationException("unreachable: the draw is below the candidates' count");
    }
}
