using System.Net;
using System.Net.Sockets;

namespace P2PShare.Net;

/// <summary>Datagram sends that never wait forever: a full send buffer or a stuck route gives up after a timeout.</summary>
public static class UdpSend
{
    /// <summary>
    /// Sends <paramref name="datagram"/> to <paramref name="to"/>; throws <see cref="OperationCanceledException"/>
    /// after <paramref name="timeout"/> or when <paramref name="cancellationToken"/> is cancelled, and
    /// <see cref="SocketException"/> when the OS refuses it.
    /// </summary>
    public static async Task ToAsync(Socket socket, ReadOnlyMemory<byte> datagram, IPEndPoint to, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await socket.SendToAsync(datagram, SocketFlags.None, to, deadline.Token);
    }
}
