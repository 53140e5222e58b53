using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using P2PShare.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// One automatic discovery: on every interface at once, a <c>discover</c> broadcast (directed and
/// 255.255.255.255) and a DNS-SD query over IPv4 and IPv6 multicast, each sent twice; then, when
/// nothing answered within <see cref="DiscoveryOptions.SweepAfter"/>, one <c>discover</c> to each
/// address of each interface's /24, rate-limited. Every socket is bound to its interface's address
/// (or index), so each answer is counted against the interface and method that got it.
/// </summary>
internal sealed class DiscoveryRun : IAsyncDisposable
{
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly string _nonce = DiscoveryCodec.NewNonce();
    private readonly byte[] _request;
    private readonly ushort _queryId = (ushort)RandomNumberGenerator.GetInt32(1, 65536);
    private readonly DiscoveryTally _tally = new();
    private readonly List<(Socket Socket, ProbeOutcome Outcome)> _probes = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop;

    private DiscoveryRun(DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        _options = options;
        _logger = logger;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? proof = options.Secret is { } secret ? DiscoveryProof.ForRequest(secret, _nonce) : null;
        _request = DiscoveryCodec.Encode(new DiscoveryRequest(_nonce, proof));
    }

    /// <summary>Runs discovery over <paramref name="links"/>; <paramref name="diagnose"/> waits out each phase instead of stopping at the first answer.</summary>
    public static async Task<DiscoveryReport> RunAsync(DiscoveryOptions options, IReadOnlyList<LinkInterface> links, bool diagnose, ILogger logger, CancellationToken cancellationToken)
    {
        await using var run = new DiscoveryRun(options, logger, cancellationToken);
        return await run.ExecuteAsync(links, diagnose, cancellationToken);
    }

    private async Task<DiscoveryReport> ExecuteAsync(IReadOnlyList<LinkInterface> links, bool diagnose, CancellationToken cancellationToken)
    {
        var v4 = links.SelectMany(l => l.IPv4.Select(a => (Link: l, a.Address, a.PrefixLength))).ToList();
        var asks = new List<Task>();
        foreach (var (link, address, prefix) in v4)
        {
            var broadcast = Open(DiscoveryMethod.Broadcast, link, new IPEndPoint(address, 0), OnDiscoveryReplyAsync);
            if (broadcast is not null)
            {
                broadcast.Value.Socket.EnableBroadcast = true;
                // The limited broadcast leaves by the default route whatever the bound address, so a
                // loopback source (tests) sends only its directed one and nothing leaves the machine.
                IPEndPoint[] targets = IPAddress.IsLoopback(address)
                    ? [new IPEndPoint(LinkInterface.BroadcastOf(address, prefix), _options.Port)]
                    : [new IPEndPoint(LinkInterface.BroadcastOf(address, prefix), _options.Port), new IPEndPoint(IPAddress.Broadcast, _options.Port)];
                asks.Add(SendTwiceAsync(broadcast.Value, targets));
            }
            if (!_options.Mdns)
                continue;
            var mdns = Open(DiscoveryMethod.MdnsIPv4, link, new IPEndPoint(address, 0), OnMdnsReplyAsync);
            if (mdns is not null)
            {
                mdns.Value.Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, address.GetAddressBytes());
                mdns.Value.Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
                asks.Add(SendTwiceAsync(mdns.Value, [new IPEndPoint(TrackerAdvertisement.MulticastIPv4, _options.MdnsPort)], DnsCodec.Encode(TrackerAdvertisement.Query(_queryId))));
            }
        }
        foreach (var link in links.Where(l => _options.Mdns && l.IPv6.Count > 0 && l.SupportsMulticast && l.Index >= 0))
        {
            var mdns = Open(DiscoveryMethod.MdnsIPv6, link, new IPEndPoint(IPAddress.IPv6Any, 0), OnMdnsReplyAsync);
            if (mdns is null)
                continue;
            mdns.Value.Socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, link.Index);
            mdns.Value.Socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
            var group = new IPAddress(TrackerAdvertisement.MulticastIPv6.GetAddressBytes(), link.Index);
            asks.Add(SendTwiceAsync(mdns.Value, [new IPEndPoint(group, _options.MdnsPort)], DnsCodec.Encode(TrackerAdvertisement.Query(_queryId))));
        }
        if (_probes.Count == 0)
            return _tally.Report(_options.Port);

        await WaitAsync(diagnose ? null : _tally.First, _options.SweepAfter, cancellationToken);
        if (_tally.AnyFound && !diagnose)
            return _tally.Report(_options.Port);
        if (_tally.AnyFound)
        {
            foreach (var (link, address, _) in v4)
                _tally.Add(new ProbeOutcome(DiscoveryMethod.Sweep, link.Name, address.ToString()) { Skipped = ProbeSkip.TrackerFoundAlready });
            return _tally.Report(_options.Port);
        }
        var sweepTime = await SweepAsync(v4, cancellationToken);
        await WaitAsync(_tally.First, sweepTime + _options.AnswerWait, cancellationToken);
        if (diagnose && _tally.AnyFound)
            await WaitAsync(null, TimeSpan.FromMilliseconds(300), cancellationToken); // let the other interfaces' answers arrive
        return _tally.Report(_options.Port);
    }

    // One datagram to each address of each /24, paced to SweepRate; runs in the background while answers arrive.
    private async Task<TimeSpan> SweepAsync(List<(LinkInterface Link, IPAddress Address, int Prefix)> v4, CancellationToken cancellationToken)
    {
        var plan = new List<((Socket Socket, ProbeOutcome Outcome) Probe, List<IPEndPoint> Targets)>();
        int budget = _options.MaxSweepAddresses;
        foreach (var (link, address, _) in v4)
        {
            var targets = LinkInterface.Slash24Of(address).Take(Math.Max(0, budget)).Select(a => new IPEndPoint(a, _options.Port)).ToList();
            budget -= targets.Count;
            if (targets.Count == 0)
            {
                _tally.Add(new ProbeOutcome(DiscoveryMethod.Sweep, link.Name, address.ToString()) { Skipped = ProbeSkip.SweepLimitReached });
                continue;
            }
            var probe = Open(DiscoveryMethod.Sweep, link, new IPEndPoint(address, 0), OnDiscoveryReplyAsync);
            if (probe is null)
                continue;
            probe.Value.Outcome.Sent = $"{targets[0].Address}..{targets[^1].Address} ({targets.Count} addresses, once each, {_options.SweepRate}/s)";
            plan.Add((probe.Value, targets));
        }
        int total = plan.Sum(p => p.Targets.Count);
        var duration = TimeSpan.FromSeconds((double)total / Math.Max(1, _options.SweepRate));
        var sends = plan.SelectMany(p => p.Targets.Select(target => (p.Probe, Target: target)));
        _loops.Add(Task.Run(() => SweepPacer.RunAsync(sends, _options.SweepRate,
            send => SendOneAsync(send.Probe.Socket, send.Probe.Outcome, _request, send.Target), () => _tally.First.IsCompleted, _stop.Token), cancellationToken));
        return duration;
    }

    private (Socket Socket, ProbeOutcome Outcome)? Open(DiscoveryMethod method, LinkInterface link, IPEndPoint bindTo,
        Func<Datagram, ProbeOutcome, Task> onDatagram)
    {
        var outcome = new ProbeOutcome(method, link.Name, bindTo.Address.Equals(IPAddress.IPv6Any) ? $"[::]%{link.Name}" : bindTo.Address.ToString());
        _tally.Add(outcome);
        var socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (bindTo.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = false;
            socket.Bind(bindTo);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            outcome.Error = e.Message;
            return null;
        }
        var probe = (socket, outcome);
        _probes.Add(probe);
        _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, outcome, onDatagram)));
        return probe;
    }

    private async Task SendTwiceAsync((Socket Socket, ProbeOutcome Outcome) probe, IPEndPoint[] targets, byte[]? datagram = null)
    {
        datagram ??= _request;
        probe.Outcome.Sent = string.Join(" and ", targets.Select(t => t.ToString()));
        // Always one copy (on a loaded machine another method may answer before this socket is even
        // open, and `discover` must still try every method); a datagram may be lost, so a second copy
        // goes halfway through the window unless something answered.
        for (int round = 0; round < 2; round++)
        {
            if (round == 1)
            {
                await WaitAsync(_tally.First, _options.SweepAfter / 2, _stop.Token);
                if (_tally.First.IsCompleted)
                    return;
            }
            foreach (var target in targets)
                await SendOneAsync(probe.Socket, probe.Outcome, datagram, target);
        }
    }

    private async Task SendOneAsync(Socket socket, ProbeOutcome outcome, byte[] datagram, IPEndPoint target)
    {
        try
        {
            await UdpSend.ToAsync(socket, datagram, target, TimeSpan.FromSeconds(1), _stop.Token);
            outcome.SentCount++;
            PeerLog.DiscoverySent(_logger, target.ToString(), outcome.SentCount);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
                outcome.Error ??= e.Message;
        }
    }

    private Task ReceiveLoopAsync(Socket socket, ProbeOutcome outcome, Func<Datagram, ProbeOutcome, Task> onDatagram) =>
        UdpReceiveLoop.RunAsync(socket, DnsCodec.MaxMessageLength, datagram => onDatagram(datagram, outcome), e =>
        {
            if (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
                outcome.Refused++; // ICMP port unreachable: a host, but nothing on the port
            else
                outcome.Error ??= e.Message;
        }, withInterface: false, _stop.Token);

    private Task OnDiscoveryReplyAsync(Datagram datagram, ProbeOutcome outcome)
    {
        try
        {
            _tally.Found(outcome, DiscoveryClient.CheckReply(datagram.Bytes.Span, datagram.From, _nonce, _options));
        }
        catch (ProtocolException e)
        {
            Ignore(outcome, datagram.From, IgnoreReason.Unreadable, e.Message);
        }
        return Task.CompletedTask;
    }

    private async Task OnMdnsReplyAsync(Datagram datagram, ProbeOutcome outcome)
    {
        var from = datagram.From;
        IReadOnlyList<TrackerAdvertisement> adverts;
        try
        {
            var response = DnsCodec.Decode(datagram.Bytes.Span);
            if (response.Id != _queryId)
                throw new ProtocolException("it answers another query");
            adverts = TrackerAdvertisement.Read(response, from.Address);
            if (adverts.Count == 0)
                throw new ProtocolException("it names no _p2pshare._tcp tracker");
        }
        catch (ProtocolException e)
        {
            Ignore(outcome, from, IgnoreReason.Unreadable, e.Message);
            return;
        }
        foreach (var advert in adverts)
        {
            if (advert.Version != DiscoveryCodec.Version)
            {
                Ignore(outcome, from, IgnoreReason.OtherVersion, advert.Version.ToString(CultureInfo.InvariantCulture));
                continue;
            }
            // The address it answered from is reachable from here; over IPv6 that is a link-local
            // one, so take the tracker's IPv4 address when it gives one.
            var address = from.AddressFamily == AddressFamily.InterNetwork ? from.Address
                : advert.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? from.Address;
            var endpoint = new IPEndPoint(address, advert.Port);
            if (_options.Secret is not null)
            {
                // mDNS records carry no proof (anyone may read them): a tracker found this way proves
                // the secret by answering a unicast `discover` before we take it.
                if (!advert.SecretRequired)
                {
                    Ignore(outcome, from, IgnoreReason.TrackerWithoutSecret, null);
                    continue;
                }
                var proven = await DiscoveryClient.AskOneAsync(address, _options with { Attempts = 2, Timeout = TimeSpan.FromMilliseconds(500) }, _logger, _stop.Token);
                if (proven.Tracker is null)
                {
                    Ignore(outcome, from, IgnoreReason.SecretNotProven, endpoint.ToString());
                    continue;
                }
                endpoint = proven.Tracker;
            }
            _tally.Found(outcome, endpoint);
        }
    }

    private void Ignore(ProbeOutcome outcome, IPEndPoint from, IgnoreReason reason, string? detail)
    {
        outcome.Ignored++;
        outcome.IgnoredBecause = reason;
        outcome.IgnoredDetail = detail;
        PeerLog.DiscoveryReplyIgnored(_logger, from.ToString(), detail is null ? reason.ToString() : $"{reason}: {detail}");
    }

    // Waits `time`, or less when `until` completes first.
    private static async Task WaitAsync(Task? until, TimeSpan time, CancellationToken cancellationToken)
    {
        var delay = Task.Delay(time, cancellationToken);
        await (until is null ? delay : Task.WhenAny(delay, until));
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (socket, _) in _probes)
            socket.Dispose();
        await Task.WhenAll(_loops).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
