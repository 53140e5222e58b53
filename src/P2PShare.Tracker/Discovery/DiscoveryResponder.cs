using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Tracker.Discovery;

/// <summary>
/// Answers "is there a tracker here?" datagrams with the tracker's TCP port, so a peer's bare
/// <c>start</c> finds it (PROTOCOL.md §11). Owns its UDP socket and one receive loop.
/// </summary>
public sealed class DiscoveryResponder : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly DiscoveryResponderOptions _options;
    private readonly int _trackerPort;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _windowStart = Environment.TickCount64;
    private int _repliesInWindow;

    private DiscoveryResponder(Socket socket, DiscoveryResponderOptions options, int trackerPort, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _trackerPort = trackerPort;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The UDP address and port actually bound.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Binds UDP <paramref name="address"/>:<see cref="DiscoveryResponderOptions.Port"/> and starts
    /// answering with <paramref name="trackerPort"/>. Throws <see cref="SocketException"/> when the port is taken.
    /// </summary>
    public static DiscoveryResponder Start(IPAddress address, DiscoveryResponderOptions options, int trackerPort, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        // Broadcasts reach only sockets bound to the wildcard address, so "every IPv6 interface" means IPv4 any here.
        if (address.Equals(IPAddress.IPv6Any))
            address = IPAddress.Any;
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, options.Port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new DiscoveryResponder(socket, options, trackerPort, logger);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[DiscoveryCodec.MaxDatagramLength + 1];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // On some systems an ICMP "port unreachable" for an earlier reply surfaces here; go on.
                TrackerLog.DiscoveryReceiveFailed(_logger, e.Message);
                continue;
            }
            await AnswerAsync(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint);
        }
    }

    private async Task AnswerAsync(ReadOnlyMemory<byte> datagram, IPEndPoint from)
    {
        DiscoveryRequest request;
        try
        {
            request = DiscoveryCodec.DecodeRequest(datagram.Span);
        }
        catch (ProtocolException e)
        {
            TrackerLog.DiscoveryIgnored(_logger, from.ToString(), e.Message);
            return;
        }
        string? proof = null;
        if (_options.Secret is { } secret)
        {
            if (!DiscoveryProof.Matches(request.Proof, DiscoveryProof.ForRequest(secret, request.Nonce)))
            {
                TrackerLog.DiscoveryIgnored(_logger, from.ToString(), "it does not prove the network secret");
                return;
            }
            proof = DiscoveryProof.ForReply(secret, request.Nonce, _trackerPort);
        }
        if (!TakeReplySlot())
        {
            TrackerLog.DiscoveryIgnored(_logger, from.ToString(), "over the reply rate limit");
            return;
        }
        try
        {
            await _socket.SendToAsync(DiscoveryCodec.Encode(new DiscoveryReply(request.Nonce, _trackerPort, proof)), SocketFlags.None, from, _stop.Token);
            TrackerLog.DiscoveryAnswered(_logger, from.ToString());
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            TrackerLog.DiscoveryReceiveFailed(_logger, e.Message);
        }
    }

    private bool TakeReplySlot()
    {
        long now = Environment.TickCount64;
        if (now - _windowStart >= 1000)
        {
            _windowStart = now;
            _repliesInWindow = 0;
        }
        return ++_repliesInWindow <= _options.MaxRepliesPerSecond;
    }

    /// <summary>Stops answering and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
