using P2PShare.Peer.Discovery;

namespace P2PShare.Peer.Commands;

/// <summary>What <c>start</c>, <c>serve</c> and <c>get</c> say about how they found the tracker.</summary>
public static class LocationText
{
    /// <summary>A callback for <see cref="PeerNode.LocateAndJoinAsync"/> that writes the account, if there is one, with <paramref name="write"/>.</summary>
    public static Action<TrackerLocation> SayTo(Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return location =>
        {
            if (Account(location) is { } line)
                write(line);
        };
    }

    /// <summary>What was done to find the tracker ("Found the tracker at … by discovery."); null when it was named.</summary>
    public static string? Account(TrackerLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Discovery is not { } found || location.AskedWith is not { } asked)
            return null;
        if (location.Discovered)
        {
            string how = found.Report is { } report && DiscoveryText.HowFound(report) is { } by ? $"{by}; asked by {DiscoveryText.Asked(asked)}" : $"asked {DiscoveryText.Asked(asked)}";
            return $"Found the tracker at {location.Endpoint} by discovery ({how}).";
        }
        return $"Discovery found no tracker: {DiscoveryText.Problem(found)}. Trying the default, {location.Endpoint}.";
    }

    /// <summary>Why discovery did not help, added when joining the default it fell back to fails; null when it was not asked or found one.</summary>
    public static string? WhyDiscoveryMissed(TrackerLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!location.DiscoveryMissed || location.Discovery is not { } found || location.AskedWith is not { } asked)
            return null;
        return $"Discovery found no tracker either ({DiscoveryText.Problem(found)}): is a tracker running on this LAN with discovery on, " +
            $"and does its firewall let UDP port {asked.Port} (and 5353 for mDNS) in? `discover` shows what was tried. Or name it: start HOST:PORT, or --tracker HOST:PORT.";
    }
}
