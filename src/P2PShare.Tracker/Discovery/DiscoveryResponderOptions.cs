using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Tracker.Discovery;

/// <summary>How the tracker answers UDP discovery; every limit with its default.</summary>
public sealed record DiscoveryResponderOptions
{
    /// <summary>UDP port to answer on (0: any free port, for tests); bound on the tracker's <see cref="TrackerOptions.Host"/>.</summary>
    public int Port { get; init; } = DiscoveryCodec.DefaultPort;

    /// <summary>
    /// The network secret, if any. With one, only requests that prove it are answered, and replies
    /// prove it back; a stranger gets silence.
    /// </summary>
    public SharedSecret? Secret { get; init; }

    /// <summary>Most replies sent in one second; more requests are dropped (a cap on reflection abuse).</summary>
    public int MaxRepliesPerSecond { get; init; } = 200;

    /// <summary>DNS-SD over multicast DNS beside the UDP discovery port; null: off (the program turns it on, tests choose).</summary>
    public MdnsOptions? Mdns { get; init; }
}
