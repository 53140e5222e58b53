namespace P2PShare.Peer.Transfer;

/// <summary>
/// How long a download waits before each look-up of new holders: an eighth of the refresh interval
/// first, then twice the last wait, up to the interval. Downloaders started together become holders
/// with their first piece, a tenth of a second in; looking first after a whole second, they passed
/// nothing to each other in their first second while the seeder's link was already full
/// (docs/BENCHMARKS.md, <c>lan</c>).
/// </summary>
internal sealed class RefreshPace(TimeSpan interval)
{
    /// <summary>The first wait is the interval divided by this.</summary>
    public const int FirstDivisor = 8;

    private TimeSpan _next = interval / FirstDivisor;

    /// <summary>The wait before the next look-up.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        _next = _next * 2 < interval ? _next * 2 : interval;
        return wait;
    }
}
