using System.Net;
using System.Net.Sockets;

namespace P2PShare.Net;

/// <summary>
/// The receive loop every discovery socket runs: one datagram at a time into one buffer, each handed
/// to a handler before the next is read, until the loop is stopped.
/// </summary>
public static class UdpReceiveLoop
{
    /// <summary>
    /// Receives on <paramref name="socket"/> until <paramref name="stop"/> is cancelled, then returns
    /// (closing the socket after cancelling is a normal stop too). A <see cref="SocketException"/>
    /// before that goes to <paramref name="onError"/> and the loop goes on: an ICMP error for an earlier
    /// send surfaces on the next receive. With <paramref name="withInterface"/> each datagram carries the
    /// interface it came in on (the socket needs <see cref="SocketOptionName.PacketInformation"/> set).
    /// </summary>
    /// <param name="socket">A bound UDP socket; the caller owns it.</param>
    /// <param name="maxLength">The largest datagram wanted; a longer one arrives cut to one byte more, so the handler can tell.</param>
    /// <param name="onDatagram">Handles one datagram; the next is read when its task completes.</param>
    /// <param name="onError">Told of a receive that failed while the loop was not stopping.</param>
    /// <param name="withInterface">Whether to ask the OS which interface each datagram came in on.</param>
    /// <param name="stop">Ends the loop.</param>
    public static async Task RunAsync(Socket socket, int maxLength, Func<Datagram, Task> onDatagram, Action<SocketException> onError,
        bool withInterface, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(onDatagram);
        ArgumentNullException.ThrowIfNull(onError);
        var buffer = new byte[maxLength + 1];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            Datagram datagram;
            try
            {
                datagram = await ReceiveAsync(socket, buffer, any, withInterface, stop);
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                onError(e);
                continue;
            }
            await onDatagram(datagram);
        }
    }

    private static async Task<Datagram> ReceiveAsync(Socket socket, byte[] buffer, EndPoint any, bool withInterface, CancellationToken stop)
    {
        if (withInterface)
        {
            var message = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, stop);
            return new Datagram(buffer.AsMemory(0, message.ReceivedBytes), (IPEndPoint)message.RemoteEndPoint, message.PacketInformation.Interface);
        }
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop);
        return new Datagram(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, -1);
    }
}
