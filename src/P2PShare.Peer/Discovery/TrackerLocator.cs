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
        if (found.Tracker is { } tracker)
        {
            string how = found.Report?.HowFound is { } by ? $"{by}; asked by {discovery.TargetText}" : $"asked {discovery.TargetText}";
            return new TrackerLocation(tracker.ToString(), $"Found the tracker at {tracker} by discovery ({how}).", null) { Discovered = true };
        }
        return new TrackerLocation(options.DefaultTracker,
            $"Discovery found no tracker: {found.Problem}. Trying the default, {options.DefaultTracker}.",
            $"Discovery found no tracker either ({found.Problem}): is a tracker running on this LAN with discovery on, " +
            $"and does its firewall let UDP port {discovery.Port} (and 5353 for mDNS) in? `discover` shows what was tried. Or name it: start HOST:PORT, or --tracker HOST:PORT.");
    }
}
