using System.Net.Sockets;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// A greeted fetcher's connection to our piece server: its channel, the TCP socket beneath (for the
/// half-close when we leave), how it is named in the log, and who it is for the recent-sends rule
/// (where it serves, since it may reconnect).
/// </summary>
internal sealed record ServedConnection(MessageChannel Channel, Socket Transport, string Remote, string Fetcher)
{
    /// <summary>The socket pieces may be sent on directly (zero copy); null under TLS, whose bytes must go through the stream.</summary>
    public Socket? ZeroCopy => Channel.Binding is null ? Transport : null;
}
