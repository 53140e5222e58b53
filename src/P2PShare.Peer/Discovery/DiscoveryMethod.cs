namespace P2PShare.Peer.Discovery;

/// <summary>One way of asking for a tracker.</summary>
public enum DiscoveryMethod
{
    /// <summary>A <c>discover</c> datagram to the interface's broadcast addresses (directed and 255.255.255.255).</summary>
    Broadcast,

    /// <summary>A DNS-SD query for <c>_p2pshare._tcp.local</c> to 224.0.0.251:5353.</summary>
    MdnsIPv4,

    /// <summary>The same query to [ff02::fb]:5353.</summary>
    MdnsIPv6,

    /// <summary>A <c>discover</c> datagram to each address of the interface's /24, once, rate-limited.</summary>
    Sweep,

    /// <summary>A <c>discover</c> datagram to the one address given by <c>--discovery-target</c>.</summary>
    Target,
}
