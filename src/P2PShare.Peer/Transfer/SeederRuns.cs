namespace P2PShare.Peer.Transfer;

/// <summary>
/// Which seeder-only piece to ask a seeder for next: the one after the last, while it is still
/// seeder-only; otherwise a random piece in the middle half of the longest run of seeder-only
/// pieces. Downloaders learn what the others fetched only a second or so late (through the tracker),
/// so pieces picked at random from the seeder collide often; runs started far from the others'
/// collide only where a run meets another, and by then the other's start is long known.
/// </summary>
internal sealed class SeederRuns(Random random)
{
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

    // One pass for the longest run of seeder-only pieces, then a random start in its middle half.
    private int Jump(PiecePicker picker, int count)
    {
        int bestStart = -1, bestLength = 0, start = 0;
        for (int i = 0; i <= count; i++)
        {
            if (i < count && picker.SeederOnly(i))
                continue;
            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
            start = i + 1;
        }
        if (bestLength == 0)
            return -1;
        return bestStart + (bestLength / 4) + random.Next((bestLength / 2) + 1);
    }
}
