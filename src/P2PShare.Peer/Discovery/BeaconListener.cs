using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// Listens for trackers' mDNS beacons (their announcements, and their multicast answers to
/// <see cref="Ask"/>) while a peer has lost its tracker, so a tracker that restarted, perhaps at a
/// new address, is found without a typed address. Shares UDP 5353 with any other responder on the machine.
/// </summary>
internal sealed class BeaconListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<LinkInterface> _links;

    private BeaconListener(Socket socket, DiscoveryOptions options, IReadOnlyList<LinkInterface> links, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _links = links;
        _logger = logger;
    }

    /// <summary>A listener on every IPv4 interface, or null (logged) when UDP 5353 cannot be had.</summary>
    public static BeaconListener? TryStart(DiscoveryOptions options, ILogger logger)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, options.MdnsPort));
            var links = LinkInterface.All().Where(l => l.SupportsMulticast && l.IPv4.Count > 0 && l.Index >= 0).ToList();
            foreach (var link in links)
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(TrackerAdvertisement.MulticastIPv4, link.Index));
            return new BeaconListener(socket, options, links, logger);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            PeerLog.BeaconUnavailable(logger, e.Message);
            return null;
        }
    }

    /// <summary>Asks every interface's trackers to answer by multicast now (RFC 6762 §5.2 query from port 5353), so one already back is heard at once.</summary>
    public async Task Ask(CancellationToken cancellationToken)
    {
        byte[] query = DnsCodec.Encode(DnsMessage.Query(0, new DnsQuestion(TrackerAdvertisement.ServiceType, DnsRecordType.ServicePointer)));
        foreach (var link in _links)
        {
            try
            {
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, link.IPv4[0].Address.GetAddressBytes());
                await UdpSend.ToAsync(_socket, query, new IPEndPoint(TrackerAdvertisement.MulticastIPv4, _options.MdnsPort), TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (SocketException e)
            {
                PeerLog.DiscoveryReplyIgnored(_logger, link.Name, e.Message);
            }
        }
    }

    /// <summary>The next tracker heard (proved, when there is a secret). Throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task<IPEndPoint> NextAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[DnsCodec.MaxMessageLength + 1];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && cancellationToken.IsCancellationRequested))
            {
                throw new OperationCanceledException("the beacon listener was closed", e, cancellationToken);
            }
            catch (SocketException e)
            {
                PeerLog.DiscoveryReplyIgnored(_logger, "?", e.Message);
                continue;
            }
            var from = (IPEndPoint)received.RemoteEndPoint;
            IReadOnlyList<TrackerAdvertisement> adverts;
            try
            {
                adverts = TrackerAdvertisement.Read(DnsCodec.Decode(buffer.AsSpan(0, received.ReceivedBytes)), from.Address);
            }
            catch (ProtocolException e)
            {
                PeerLog.DiscoveryReplyIgnored(_logger, from.ToString(), e.Message);
                continue;
            }
            foreach (var advert in adverts.Where(a => a.Version == DiscoveryCodec.Version))
            {
                // The announcement's source is the tracker's address on our link.
                var endpoint = new IPEndPoint(from.Address, advert.Port);
                if (_options.Secret is null)
                    return endpoint;
                if (!advert.SecretRequired)
                    continue;
                var proven = await DiscoveryClient.AskOneAsync(from.Address, _options with { Attempts = 2, Timeout = TimeSpan.FromMilliseconds(500) }, _logger, cancellationToken);
                if (proven.Tracker is { } tracker)
                    return tracker;
                PeerLog.DiscoveryReplyIgnored(_logger, from.ToString(), "its beacon's tracker did not prove the network secret");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
