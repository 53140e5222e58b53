namespace P2PShare.Peer.Network;

/// <summary>
/// Waits between attempts to reach a lost tracker: doubling from an initial delay up to a cap, with
/// "equal jitter" (half of each delay fixed, half random) so that the peers of a restarted tracker
/// do not all knock again in the same instant, yet none retries sooner than half the schedule.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _attempt;

    /// <summary>A schedule starting at <paramref name="initial"/>, never above <paramref name="max"/>.</summary>
    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>Attempts scheduled so far.</summary>
    public int Attempts => _attempt;

    /// <summary>The wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        double ceiling = Math.Min(_max.TotalMilliseconds, _initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
    }
}
