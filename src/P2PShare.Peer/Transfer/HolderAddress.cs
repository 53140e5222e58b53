using P2PShare.Peer.Network;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Transfer;

/// <summary>A holder as a download knows it: the host and port it serves on. Printed as host:port.</summary>
/// <param name="Host">Its host name or address.</param>
/// <param name="Port">The port it serves on.</param>
public readonly record struct HolderAddress(string Host, int Port)
{
    /// <summary>The address a tracker listed.</summary>
    public static HolderAddress Of(HolderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new HolderAddress(entry.Host, entry.Port);
    }

    /// <summary>host:port, with an IPv6 host in brackets.</summary>
    public override string ToString() => TcpConnector.Format(Host, Port);
}
