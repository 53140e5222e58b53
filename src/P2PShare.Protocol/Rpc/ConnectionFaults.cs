using System.Net.Sockets;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// What counts as "the connection failed": one list, so that every place that drops a connection (or
/// gives up on one) drops it for the same reasons and no site forgets one.
/// </summary>
public static class ConnectionFaults
{
    /// <summary>
    /// True for the exceptions a broken or hostile connection throws: the stream failed or ended
    /// (<see cref="IOException"/>, <see cref="EndOfStreamException"/>), the socket failed
    /// (<see cref="SocketException"/>), the other side was too slow (<see cref="TimeoutException"/>),
    /// sent something malformed (<see cref="ProtocolException"/>), or the connection was closed under the
    /// caller (<see cref="ObjectDisposedException"/>). Not cancellation: whether a cancelled wait is a fault
    /// or a stop is the caller's to say, so callers that mean both write it next to this.
    /// </summary>
    public static bool IsFault(Exception exception) =>
        exception is IOException or SocketException or TimeoutException or ProtocolException or ObjectDisposedException;

    /// <summary>
    /// True when the other side ended the connection: it reset or aborted it, or it was gone when we
    /// wrote (a broken pipe). For a server that is how a fetcher that finished or stopped often leaves:
    /// no news to warn of.
    /// </summary>
    public static bool IsEndedByOtherSide(Exception exception) => exception switch
    {
        SocketException socket => socket.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown,
        IOException { InnerException: { } inner } => IsEndedByOtherSide(inner),
        _ => false,
    };
}
