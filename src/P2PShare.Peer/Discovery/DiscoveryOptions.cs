using System.Net;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>How a peer looks for a tracker on the LAN; every timeout and limit with its default.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>Where the request goes: the LAN broadcast by default; tests aim it at 127.0.0.1.</summary>
    public IPAddress Target { get; init; } = IPAddress.Broadcast;

    /// <summary>The UDP port trackers answer discovery on.</summary>
    public int Port { get; init; } = DiscoveryCodec.DefaultPort;

    /// <summary>How long one attempt waits for an answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests sent before giving up (a datagram may be lost).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The network secret, if any: requests prove it, and replies that do not prove it back are ignored.</summary>
    public SharedSecret? Secret { get; init; }

    /// <summary>"255.255.255.255:12501", for messages.</summary>
    public string TargetText => new IPEndPoint(Target, Port).ToString();
}
