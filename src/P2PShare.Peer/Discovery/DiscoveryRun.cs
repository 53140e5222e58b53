using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
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
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ProbeOutcome> _outcomes = [];
    private readonly List<FoundTracker> _found = [];
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
            return Report();

        await WaitAsync(diagnose ? null : _first.Task, _options.SweepAfter, cancellationToken);
        if (_found.Count > 0 && !diagnose)
            return Report();
        if (_found.Count > 0)
        {
            foreach (var (link, address, _) in v4)
                _outcomes.Add(new ProbeOutcome(DiscoveryMethod.Sweep, link.Name, address.ToString()) { Skipped = "a tracker answered already" });
            return Report();
        }
        var sweepTime = await SweepAsync(v4, cancellationToken);
        await WaitAsync(_first.Task, sweepTime + _options.AnswerWait, cancellationToken);
        if (diagnose && _found.Count > 0)
            await WaitAsync(null, TimeSpan.FromMilliseconds(300), cancellationToken); // let the other interfaces' answers arrive
        return Report();
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
                _outcomes.Add(new ProbeOutcome(DiscoveryMethod.Sweep, link.Name, address.ToString()) { Skipped = $"the sweep's limit of {_options.MaxSweepAddresses} addresses is used up" });
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
        _loops.Add(Task.Run(async () =>
        {
            const int BatchMilliseconds = 20;
            int perBatch = Math.Max(1, _options.SweepRate * BatchMilliseconds / 1000);
            int inBatch = 0;
            int batches = 0;
            // Paced against a schedule, not by summing delays: a timer that fires early or late never
            // lets the sweep run faster than its rate, and a late one is not made up for by a burst.
            var clock = Stopwatch.StartNew();
            foreach (var ((socket, outcome), targets) in plan)
            {
                foreach (var target in targets)
                {
                    if (_stop.IsCancellationRequested || _first.Task.IsCompleted)
                        return;
                    await SendOneAsync(socket, outcome, _request, target);
                    if (++inBatch >= perBatch)
                    {
                        inBatch = 0;
                        var due = TimeSpan.FromMilliseconds(++batches * BatchMilliseconds);
                        try
                        {
                            for (var left = due - clock.Elapsed; left > TimeSpan.Zero; left = due - clock.Elapsed)
                                await Task.Delay(left + TimeSpan.FromMilliseconds(1), _stop.Token);
                            batches = Math.Max(batches, (int)(clock.Elapsed.TotalMilliseconds / BatchMilliseconds));
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }
                    }
                }
            }
        }, cancellationToken));
        return duration;
    }

    private (Socket Socket, ProbeOutcome Outcome)? Open(DiscoveryMethod method, LinkInterface link, IPEndPoint bindTo,
        Func<byte[], int, IPEndPoint, ProbeOutcome, Task> onDatagram)
    {
        var outcome = new ProbeOutcome(method, link.Name, bindTo.Address.Equals(IPAddress.IPv6Any) ? $"[::]%{link.Name}" : bindTo.Address.ToString());
        _outcomes.Add(outcome);
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
                await WaitAsync(_first.Task, _options.SweepAfter / 2, _stop.Token);
                if (_first.Task.IsCompleted)
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
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await socket.SendToAsync(datagram, SocketFlags.None, target, timeout.Token);
            outcome.SentCount++;
            PeerLog.DiscoverySent(_logger, target.ToString(), outcome.SentCount);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
                outcome.Error ??= e.Message;
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, ProbeOutcome outcome, Func<byte[], int, IPEndPoint, ProbeOutcome, Task> onDatagram)
    {
        var buffer = new byte[DnsCodec.MaxMessageLength + 1];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused || e.SocketErrorCode == SocketError.ConnectionReset)
            {
                outcome.Refused++; // ICMP port unreachable: a host, but nothing on the port
                continue;
            }
            catch (SocketException e)
            {
                outcome.Error ??= e.Message;
                continue;
            }
            await onDatagram(buffer, received.ReceivedBytes, (IPEndPoint)received.RemoteEndPoint, outcome);
        }
    }

    private Task OnDiscoveryReplyAsync(byte[] buffer, int length, IPEndPoint from, ProbeOutcome outcome)
    {
        try
        {
            Record(outcome, DiscoveryClient.CheckReply(buffer.AsSpan(0, length), from, _nonce, _options));
        }
        catch (ProtocolException e)
        {
            Ignore(outcome, from, e.Message);
        }
        return Task.CompletedTask;
    }

    private async Task OnMdnsReplyAsync(byte[] buffer, int length, IPEndPoint from, ProbeOutcome outcome)
    {
        IReadOnlyList<TrackerAdvertisement> adverts;
        try
        {
            var response = DnsCodec.Decode(buffer.AsSpan(0, length));
            if (response.Id != _queryId)
                throw new ProtocolException("it answers another query");
            adverts = TrackerAdvertisement.Read(response, from.Address);
            if (adverts.Count == 0)
                throw new ProtocolException("it names no _p2pshare._tcp tracker");
        }
        catch (ProtocolException e)
        {
            Ignore(outcome, from, e.Message);
            return;
        }
        foreach (var advert in adverts)
        {
            if (advert.Version != DiscoveryCodec.Version)
            {
                Ignore(outcome, from, $"it speaks discovery version {advert.Version}");
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
                    Ignore(outcome, from, "it runs without the network secret");
                    continue;
                }
                var proven = await DiscoveryClient.AskOneAsync(address, _options with { Attempts = 2, Timeout = TimeSpan.FromMilliseconds(500) }, _logger, _stop.Token);
                if (proven.Tracker is null)
                {
                    Ignore(outcome, from, $"the tracker at {endpoint} did not prove the network secret on UDP {_options.Port}");
                    continue;
                }
                endpoint = proven.Tracker;
            }
            Record(outcome, endpoint);
        }
    }

    private void Record(ProbeOutcome outcome, IPEndPoint tracker)
    {
        var after = _clock.Elapsed;
        lock (_found)
        {
            outcome.Answers++;
            if (outcome.Tracker is null)
            {
                outcome.Tracker = tracker.ToString();
                outcome.FirstAnswerAfter = after;
            }
            _found.Add(new FoundTracker(tracker, outcome.Method, outcome.Interface, after));
        }
        _first.TrySetResult();
    }

    private void Ignore(ProbeOutcome outcome, IPEndPoint from, string why)
    {
        outcome.Ignored++;
        outcome.IgnoredWhy = why;
        PeerLog.DiscoveryReplyIgnored(_logger, from.ToString(), why);
    }

    // Waits `time`, or less when `until` completes first.
    private static async Task WaitAsync(Task? until, TimeSpan time, CancellationToken cancellationToken)
    {
        var delay = Task.Delay(time, cancellationToken);
        await (until is null ? delay : Task.WhenAny(delay, until));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private DiscoveryReport Report()
    {
        lock (_found)
            return new DiscoveryReport([.. _outcomes], [.. _found], _clock.Elapsed, _options.Port);
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
