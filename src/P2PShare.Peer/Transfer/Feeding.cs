namespace P2PShare.Peer.Transfer;

/// <summary>
/// How long a completed download keeps serving (<c>get --seed-for</c>): until no other peer has had
/// a connection to our piece server for <see cref="Quiet"/>, or the bound passes. Other downloaders
/// close their connections to us when their own download completes, and dial a new holder within
/// about a second of the tracker listing it (a `get` starting meanwhile needs a second or two more on
/// a busy machine), so five quiet seconds mean nobody is left to feed.
/// </summary>
public static class Feeding
{
    /// <summary>How long nobody may be connected before the others count as done.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits while <paramref name="fetchersConnected"/> says others fetch from us, at most
    /// <paramref name="bound"/>; <paramref name="quiet"/> (default <see cref="Quiet"/>) without any connection ends it sooner.
    /// </summary>
    public static async Task<FeedingEnd> WaitAsync(Func<int> fetchersConnected, TimeSpan bound, CancellationToken cancellationToken, TimeSpan? quiet = null)
    {
        ArgumentNullException.ThrowIfNull(fetchersConnected);
        var quietSpell = quiet ?? Quiet;
        var since = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? quietSince = TimeSpan.Zero; // a connection may still be coming: count from the start
        while (true)
        {
            var now = since.Elapsed;
            if (fetchersConnected() > 0)
                quietSince = null;
            else if (now - (quietSince ??= now) >= quietSpell) // counted from the first look that saw nobody
                return FeedingEnd.OthersDone;
            if (now >= bound)
                return FeedingEnd.BoundReached;
            // Looked at every 100 ms: a bounded phase at the end of a get, not worth an event per connection.
            await Task.Delay(Look, cancellationToken);
        }
    }
}
