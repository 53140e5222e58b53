using System.Net;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>How a peer looks for a tracker on the LAN; every timeout and limit with its default.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>
    /// One address to ask, and nothing else (<c>--discovery-target</c>; tests aim it at 127.0.0.1).
    /// Null, the default: ask on every interface by broadcast and mDNS, then sweep the /24s.
    /// </summary>
    public IPAddress? Target { get; init; }

    /// <summary>The UDP port trackers answer discovery on.</summary>
    public int Port { get; init; } = DiscoveryCodec.DefaultPort;

    /// <summary>With <see cref="Target"/>: how long one attempt waits for an answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>With <see cref="Target"/>: requests sent before giving up (a datagram may be lost).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The network secret, if any: requests prove it, and replies that do not prove it back are ignored.</summary>
    public SharedSecret? Secret { get; init; }

    /// <summary>Whether to ask by mDNS (DNS-SD for <c>_p2pshare._tcp.local</c>) besides broadcast.</summary>
    public bool Mdns { get; init; } = true;

    /// <summary>The mDNS port queries go to.</summary>
    public int MdnsPort { get; init; } = TrackerAdvertisement.MdnsPort;

    /// <summary>How long broadcast and mDNS may take before the /24 sweep starts.</summary>
    public TimeSpan SweepAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Datagrams per second the sweep sends, at most (it sends each address one datagram, once).</summary>
    public int SweepRate { get; init; } = 200;

    /// <summary>Most addresses one sweep asks, over every interface (a bound on a host with many networks).</summary>
    public int MaxSweepAddresses { get; init; } = 1024;

    /// <summary>How long to wait for answers after the last datagram is sent.</summary>
    public TimeSpan AnswerWait { get; init; } = TimeSpan.FromSeconds(1);
}
