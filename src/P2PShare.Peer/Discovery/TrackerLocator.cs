using Microsoft.Extensions.Logging;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// Decides which tracker to join. An address the user typed wins; then <c>--tracker</c> (given
/// that, <see cref="PeerOptions.Discovery"/> is null); then discovery; then the default
/// <see cref="PeerOptions.DefaultTracker"/>.
/// </summary>
public static class TrackerLocator
{
    /// <summary>The tracker to join for <c>start [<paramref name="named"/>]</c>.</summary>
    public static async Task<TrackerLocation> LocateAsync(string? named, PeerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (named is not null)
            return new TrackerLocation(named, null, null);
        if (options.Discovery is not { } discovery)
            return new TrackerLocation(options.DefaultTracker, null, null);
        var found = await DiscoveryClient.FindAsync(discovery, logger, cancellationToken);
        return new TrackerLocation(found.Tracker?.ToString() ?? options.DefaultTracker, found, discovery);
    }
}
