using P2PShare.Protocol.Discovery;

namespace P2PShare.Tracker.Discovery;

/// <summary>How the tracker advertises itself by multicast DNS; every interval with its default.</summary>
public sealed record MdnsOptions
{
    /// <summary>The UDP port to answer on: 5353; 0 (tests) binds a free port and joins no group, so only unicast queries reach it.</summary>
    public int Port { get; init; } = TrackerAdvertisement.MdnsPort;

    /// <summary>How often the tracker announces itself unasked (the beacon), so a peer that lost it finds it again.</summary>
    public TimeSpan AnnounceInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most responses sent in one second; more queries are dropped (a cap on reflection abuse).</summary>
    public int MaxRepliesPerSecond { get; init; } = 200;

    /// <summary>
    /// The one address the tracker listens on, when it is not the wildcard: only interfaces holding it
    /// announce, and answers give only it. Null: every interface and address.
    /// </summary>
    public System.Net.IPAddress? OnlyAddress { get; init; }

    /// <summary>True when the responder joins the mDNS groups on every interface and announces; false for unicast-only tests.</summary>
    public bool Multicast => Port == TrackerAdvertisement.MdnsPort;
}
