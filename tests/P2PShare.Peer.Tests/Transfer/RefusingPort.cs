using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>
/// A loopback port bound but not listening: every dial to it is refused at once, and, unlike a port
/// freed after use, no other test can take it meanwhile.
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>A holder listed at this port, with no piece map.</summary>
    public HolderEntry Holder => new("127.0.0.1", ((IPEndPoint)_socket.LocalEndPoint!).Port, null);

    public void Dispose() => _socket.Dispose();
}
