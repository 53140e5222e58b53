using System.Diagnostics;

namespace P2PShare.Peer.Network;

/// <summary>
/// TEST ONLY: paces the piece bytes a server sends to a fixed rate across all its connections, so a
/// benchmark can play a slow peer (<see cref="PeerOptions.TestOnlyServeBytesPerSecond"/>).
/// Each send reserves the next slot of time its bytes need and waits for that slot to begin.
/// </summary>
internal sealed class ServeThrottle(long bytesPerSecond)
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _nextFree;

    /// <summary>Waits until <paramref name="bytes"/> more may be sent.</summary>
    public async Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        TimeSpan start;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            start = _nextFree > now ? _nextFree : now;
            _nextFree = start + TimeSpan.FromSeconds((double)bytes / bytesPerSecond);
        }
        var wait = start - _clock.Elapsed;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken);
    }
}
