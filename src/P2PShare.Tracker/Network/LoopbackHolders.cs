using System.Net;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Network;

/// <summary>
/// Holders that joined over loopback run on the tracker's own machine. To an asker on another machine
/// 127.0.0.1 is itself, so such holders are given to it as the address it reached the tracker at: a
/// peer started beside the tracker with <c>--tracker 127.0.0.1:12500</c> could be fetched from by nobody.
/// </summary>
internal static class LoopbackHolders
{
    /// <summary><paramref name="holders"/> as an asker at <paramref name="asker"/> can dial them, having reached the tracker at <paramref name="tracker"/>.</summary>
    public static Holders AsSeenBy(Holders holders, IPAddress asker, IPAddress tracker)
    {
        var peers = AsSeenBy(holders.Peers, asker, tracker);
        return ReferenceEquals(peers, holders.Peers) ? holders : holders with { Peers = peers };
    }

    /// <summary><paramref name="peers"/> as an asker at <paramref name="asker"/> can dial them (the same list when none changes).</summary>
    public static IReadOnlyList<HolderEntry> AsSeenBy(IReadOnlyList<HolderEntry> peers, IPAddress asker, IPAddress tracker)
    {
        if (IPAddress.IsLoopback(asker) || IPAddress.IsLoopback(tracker))
            return peers;
        string here = (tracker.IsIPv4MappedToIPv6 ? tracker.MapToIPv4() : tracker).ToString();
        bool changed = false;
        var seen = peers.Select(peer =>
        {
            if (!IPAddress.TryParse(peer.Host, out var address) || !IPAddress.IsLoopback(address))
                return peer;
            changed = true;
            return peer with { Host = here };
        }).ToList();
        return changed ? seen : peers;
    }
}
