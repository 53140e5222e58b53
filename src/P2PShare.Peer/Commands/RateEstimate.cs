namespace P2PShare.Peer.Commands;

/// <summary>How fast a download goes now, from the last few seconds rather than the whole run.</summary>
/// <param name="BytesPerSecond">Verified bytes per second over the recent window.</param>
/// <param name="StalledFor">How long no verified byte has arrived, once that is long enough to say; else null.</param>
public sealed record RateEstimate(double BytesPerSecond, TimeSpan? StalledFor);
