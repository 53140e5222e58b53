using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Net;
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
    private readonly ReplyRateLimit _rate;

    private DiscoveryResponder(Socket socket, DiscoveryResponderOptions options, int trackerPort, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _trackerPort = trackerPort;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _rate = new ReplyRateLimit(options.MaxRepliesPerSecond);
        // An ICMP "port unreachable" for an earlier reply may surface as a receive error: logged, and the loop goes on.
        _loop = Task.Run(() => UdpReceiveLoop.RunAsync(socket, DiscoveryCodec.MaxDatagramLength, AnswerAsync,
            e => TrackerLog.DiscoveryReceiveFailed(_logger, e.Message), withInterface: false, _stop.Token));
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

    private async Task AnswerAsync(Datagram datagram)
    {
        var from = datagram.From;
        DiscoveryRequest request;
        try
        {
            request = DiscoveryCodec.DecodeRequest(datagram.Bytes.Span);
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
        if (!_rate.TryTake())
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
