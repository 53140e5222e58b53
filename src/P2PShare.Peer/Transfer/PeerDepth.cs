using System.Diagnostics;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// How many requests to keep in flight on one connection: enough to cover about
/// <see cref="QueueTime"/> of that peer's measured rate, between 2 and the configured maximum. A slow
/// peer thus holds only a couple of pieces at a time, so few pieces wait in its queue for the end-game.
/// </summary>
public sealed class PeerDepth
{
    /// <summary>How long a request may expect to wait in a peer's queue.</summary>
    public static readonly TimeSpan QueueTime = TimeSpan.FromMilliseconds(100);

    private const int Minimum = 2;
    private readonly Stopwatch _sinceReply = Stopwatch.StartNew();
    private readonly int _maximum;
    private double _bytesPerSecond;
    private long _replies;

    /// <summary>Starts at <paramref name="maximum"/>, the most requests ever kept in flight.</summary>
    public PeerDepth(int maximum)
    {
        _maximum = Math.Max(1, maximum);
        Depth = _maximum;
    }

    /// <summary>The depth to keep now; the maximum until the first reply is measured.</summary>
    public int Depth { get; private set; }

    /// <summary>
    /// Whether to send more requests with <paramref name="outstanding"/> in flight: only once half the
    /// window has drained, and then to fill it. Sent one per reply, each request woke the serving peer
    /// for one piece; batches cost the holders less CPU at the same download speed (docs/BENCHMARKS.md).
    /// </summary>
    public bool ShouldRefill(int outstanding) => outstanding <= Depth / 2;

    /// <summary>A reply of <paramref name="bytes"/> arrived; the time since the previous one is that peer's service time.</summary>
    public void Replied(int bytes, int pieceLength)
    {
        var elapsed = _sinceReply.Elapsed;
        _sinceReply.Restart();
        if (_replies++ > 0) // the first interval includes connecting and the first request's trip
            Replied(bytes, elapsed, pieceLength);
    }

    /// <summary>A reply of <paramref name="bytes"/> arrived <paramref name="elapsed"/> after the previous one.</summary>
    public void Replied(int bytes, TimeSpan elapsed, int pieceLength)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-4);
        double sample = bytes / seconds;
        _bytesPerSecond = _bytesPerSecond == 0 ? sample : (0.8 * _bytesPerSecond) + (0.2 * sample);
        double wanted = Math.Ceiling(_bytesPerSecond * QueueTime.TotalSeconds / Math.Max(1, pieceLength));
        Depth = (int)Math.Clamp(wanted, Math.Min(Minimum, _maximum), _maximum);
    }
}
