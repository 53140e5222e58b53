using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using P2PShare.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Tracker.Discovery;

/// <summary>
/// Advertises the tracker as <c>_p2pshare._tcp.local</c> by multicast DNS (PROTOCOL.md §12): answers
/// queries on UDP 5353 over IPv4 and IPv6 on every up interface, with the addresses of the interface
/// each query came in on, and announces itself at start and every <see cref="MdnsOptions.AnnounceInterval"/>
/// (the beacon). It never probes for its names (RFC 6762 §8.1): they hold a random tag instead.
/// </summary>
public sealed class MdnsResponder : IAsyncDisposable
{
    private static readonly TimeSpan InterfaceCacheLife = TimeSpan.FromSeconds(5);

    private readonly MdnsOptions _options;
    private readonly TrackerAdvertisement _template;
    private readonly ILogger _logger;
    private readonly Socket _v4;
    private readonly Socket? _v6;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly ReplyRateLimit _rate;
    private readonly HashSet<(AddressFamily, int)> _joined = [];
    private readonly List<Task> _loops = [];
    private IReadOnlyList<LinkInterface> _interfaces = [];
    private long _interfacesRead = long.MinValue;

    private MdnsResponder(MdnsOptions options, TrackerAdvertisement template, Socket v4, Socket? v6, ILogger logger)
    {
        _options = options;
        _template = template;
        _v4 = v4;
        _v6 = v6;
        _logger = logger;
        _rate = new ReplyRateLimit(options.MaxRepliesPerSecond);
        Port = ((IPEndPoint)v4.LocalEndPoint!).Port;
    }

    /// <summary>The UDP port actually bound (5353, or the free port chosen in tests).</summary>
    public int Port { get; }

    /// <summary>The instance name advertised, e.g. <c>P2PShare tracker 3f2a9c._p2pshare._tcp.local</c>.</summary>
    public string Instance => _template.Instance;

    /// <summary>
    /// Binds UDP <see cref="MdnsOptions.Port"/> (shared with any other mDNS responder on the machine),
    /// joins the groups and starts answering for the tracker on TCP <paramref name="trackerPort"/>.
    /// Throws <see cref="SocketException"/> when the IPv4 port cannot be bound; IPv6 is skipped where it is off.
    /// </summary>
    public static MdnsResponder Start(MdnsOptions options, int trackerPort, bool secretRequired, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        string tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var template = TrackerAdvertisement.Create(tag, trackerPort, secretRequired, []);
        var v4 = Bind(AddressFamily.InterNetwork, options.Port);
        Socket? v6 = null;
        try
        {
            v6 = Bind(AddressFamily.InterNetworkV6, ((IPEndPoint)v4.LocalEndPoint!).Port);
        }
        catch (SocketException e)
        {
            TrackerLog.MdnsIPv6Off(logger, e.Message);
        }
        var responder = new MdnsResponder(options, template, v4, v6, logger);
        responder._loops.Add(Task.Run(() => responder.ReceiveLoopAsync(v4)));
        if (v6 is not null)
            responder._loops.Add(Task.Run(() => responder.ReceiveLoopAsync(v6)));
        if (options.Multicast)
            responder._loops.Add(Task.Run(responder.AnnounceLoopAsync));
        return responder;
    }

    private static Socket Bind(AddressFamily family, int port)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Other responders (avahi, Bonjour) hold 5353 too: RFC 6762 §15 expects the port to be shared.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (family == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
                socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255); // RFC 6762 §11
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Joins the group on interfaces not joined yet (an interface may come up after the tracker).
    private IReadOnlyList<LinkInterface> RefreshInterfaces(bool force)
    {
        long now = Environment.TickCount64;
        if (!force && now - _interfacesRead < InterfaceCacheLife.TotalMilliseconds)
            return _interfaces;
        _interfaces = _options.OnlyAddress is { } only
            ? [.. LinkInterface.All().Where(i => i.Addresses.Contains(only)).Select(i => i with { IPv4 = [.. i.IPv4.Where(a => a.Address.Equals(only))], IPv6 = [.. i.IPv6.Where(a => a.Equals(only))] })]
            : LinkInterface.All();
        _interfacesRead = now;
        if (!_options.Multicast)
            return _interfaces;
        foreach (var link in _interfaces.Where(i => i.SupportsMulticast && i.Index >= 0))
        {
            try
            {
                if (link.IPv4.Count > 0 && _joined.Add((AddressFamily.InterNetwork, link.Index)))
                    _v4.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(TrackerAdvertisement.MulticastIPv4, link.Index));
                if (_v6 is not null && link.IPv6.Count > 0 && _joined.Add((AddressFamily.InterNetworkV6, link.Index)))
                    _v6.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(TrackerAdvertisement.MulticastIPv6, link.Index));
            }
            catch (SocketException e)
            {
                TrackerLog.MdnsJoinFailed(_logger, link.Name, e.Message);
            }
        }
        return _interfaces;
    }

    private Task ReceiveLoopAsync(Socket socket) =>
        UdpReceiveLoop.RunAsync(socket, DnsCodec.MaxMessageLength, datagram => AnswerAsync(socket, datagram),
            e => TrackerLog.DiscoveryReceiveFailed(_logger, e.Message), withInterface: true, _stop.Token);

    private async Task AnswerAsync(Socket socket, Datagram datagram)
    {
        var (from, interfaceIndex) = (datagram.From, datagram.InterfaceIndex);
        DnsMessage query;
        try
        {
            query = DnsCodec.Decode(datagram.Bytes.Span);
        }
        catch (ProtocolException e)
        {
            TrackerLog.DiscoveryIgnored(_logger, from.ToString(), e.Message);
            return;
        }
        // RFC 6762 §6.7: a query from a port other than 5353 comes from a one-shot resolver (dig, our
        // peers) that listens only on that port: answer it there, repeating its id and questions.
        bool legacy = from.Port != TrackerAdvertisement.MdnsPort;
        var addresses = AddressesFor(interfaceIndex, socket.AddressFamily);
        var response = (_template with { Addresses = addresses }).Answer(query, legacy);
        if (response is null)
            return;
        if (!_rate.TryTake())
        {
            TrackerLog.DiscoveryIgnored(_logger, from.ToString(), "over the mDNS reply rate limit");
            return;
        }
        bool unicast = legacy || query.Questions.All(q => q.UnicastResponse) || !_options.Multicast;
        var group = socket.AddressFamily == AddressFamily.InterNetworkV6 ? TrackerAdvertisement.MulticastIPv6 : TrackerAdvertisement.MulticastIPv4;
        var to = unicast ? from : new IPEndPoint(group, TrackerAdvertisement.MdnsPort);
        await SendAsync(socket, DnsCodec.Encode(response), to, unicast ? null : _interfaces.FirstOrDefault(i => i.Index == interfaceIndex));
        TrackerLog.MdnsAnswered(_logger, from.ToString(), unicast ? "unicast" : "multicast");
    }

    // The addresses to give for a query that came in on interface `index`: that interface's, both
    // families (RFC 6762 §6.2 and §15: answer with addresses reachable on the link asked on).
    private List<IPAddress> AddressesFor(int index, AddressFamily family)
    {
        var link = RefreshInterfaces(force: false).FirstOrDefault(i => i.Index == index);
        var addresses = link?.Addresses.ToList() ?? [.. LinkInterface.AddressesOf(index).Where(a => _options.OnlyAddress is null || a.Equals(_options.OnlyAddress))];
        if (addresses.Count == 0) // loopback, or an interface that went away: the receiving family's loopback
            addresses.Add(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
        return addresses;
    }

    private async Task AnnounceLoopAsync()
    {
        // RFC 6762 §8.3: announce twice, a second apart, at start; then the beacon's interval.
        var waits = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1) };
        for (int round = 0; !_stop.IsCancellationRequested; round++)
        {
            try
            {
                await Task.Delay(round < waits.Length ? waits[round] : _options.AnnounceInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var link in RefreshInterfaces(force: true).Where(i => i.SupportsMulticast))
            {
                byte[] announcement = DnsCodec.Encode((_template with { Addresses = [.. link.Addresses] }).Announcement());
                if (link.IPv4.Count > 0)
                    await SendAsync(_v4, announcement, new IPEndPoint(TrackerAdvertisement.MulticastIPv4, TrackerAdvertisement.MdnsPort), link);
                if (_v6 is not null && link.IPv6.Count > 0)
                    await SendAsync(_v6, announcement, new IPEndPoint(TrackerAdvertisement.MulticastIPv6, TrackerAdvertisement.MdnsPort), link);
            }
            TrackerLog.MdnsAnnounced(_logger, _interfaces.Count);
        }
    }

    // Sends one datagram; a multicast one leaves through `link` (the socket's outgoing interface is
    // set per send, under a gate, because answers and announcements share the socket).
    private async Task SendAsync(Socket socket, byte[] datagram, IPEndPoint to, LinkInterface? link)
    {
        await _sendGate.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            if (link is not null)
            {
                if (socket.AddressFamily == AddressFamily.InterNetworkV6)
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, link.Index);
                else if (link.IPv4.Count > 0)
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, link.IPv4[0].Address.GetAddressBytes());
            }
            await UdpSend.ToAsync(socket, datagram, to, TimeSpan.FromSeconds(2), _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            TrackerLog.MdnsSendFailed(_logger, to.ToString(), link?.Name ?? "-", e.Message);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Stops answering and announcing, and closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        _v4.Dispose();
        _v6?.Dispose();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        _sendGate.Dispose();
    }
}
