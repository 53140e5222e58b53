namespace P2PShare.Tracker.Discovery;

/// <summary>At most a number of replies per one-second window; not thread-safe (one receive loop uses it).</summary>
internal sealed class ReplyRateLimit(int perSecond)
{
    private long _windowStart = Environment.TickCount64;
    private int _inWindow;

    /// <summary>True when one more reply fits in this second.</summary>
    public bool TryTake()
    {
        long now = Environment.TickCount64;
        if (now - _windowStart >= 1000)
        {
            _windowStart = now;
            _inWindow = 0;
        }
        return ++_inWindow <= perSecond;
    }
}
