using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;
using P2PShare.Tracker.Discovery;
using P2PShare.Tracker.Network;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker;

/// <summary>
/// The tracker: a TCP listener, an accept loop, and one dedicated thread per connected client
/// running that client's read loop against a shared <see cref="FileRegistry"/>. Start it with
/// <see cref="StartAsync"/>; stop it by disposing (goodbye to every peer, then close).
/// </summary>
public sealed class TrackerServer : IAsyncDisposable
{
    private static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(1);

    private readonly TrackerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();
    private readonly ConnectedClients _clients = new();
    private readonly BackgroundWork _background = new();
    private readonly SessionContext _context;
    private readonly ConnectionQuota _quota;
    private TcpListener? _listener;
    private DiscoveryResponder? _discovery;
    private MdnsResponder? _mdns;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextClientId;
    private int _started;
    private int _disposed;

    /// <summary>Creates a tracker; nothing is bound until <see cref="StartAsync"/>.</summary>
    public TrackerServer(TrackerOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        Registry = new FileRegistry(options.Limits, new AnnounceLimits(options.MaxFilesPerPeer, options.MaxNameBytesPerPeer));
        _quota = new ConnectionQuota(options.MaxClients, options.MaxClientsPerAddress);
        _context = new SessionContext(options, Registry, _clients, _background, logger, _shutdown.Token);
    }

    /// <summary>Who holds what, as the tracker knows it now.</summary>
    public FileRegistry Registry { get; }

    /// <summary>The address and port actually bound (the chosen port when started on port 0).</summary>
    public IPEndPoint LocalEndPoint =>
        _listener?.LocalEndpoint as IPEndPoint ?? throw new InvalidOperationException("the tracker has not been started");

    /// <summary>Where discovery is answered; null when it is off or its port could not be bound (see <see cref="DiscoveryProblem"/>).</summary>
    public IPEndPoint? DiscoveryEndPoint => _discovery?.LocalEndPoint;

    /// <summary>Why discovery is off although it was asked for, in plain words; null otherwise.</summary>
    public string? DiscoveryProblem { get; private set; }

    /// <summary>The UDP port mDNS is answered on; null when it is off or could not be bound (see <see cref="MdnsProblem"/>).</summary>
    public int? MdnsPort => _mdns?.Port;

    /// <summary>The DNS-SD instance name advertised by mDNS; null when mDNS is off.</summary>
    public string? MdnsInstance => _mdns?.Instance;

    /// <summary>Why mDNS is off although it was asked for, in plain words; null otherwise.</summary>
    public string? MdnsProblem { get; private set; }

    /// <summary>Connections being served now, handshakes included.</summary>
    public int ConnectionCount => _sessions.Count;

    /// <summary>What the frames of all clients hold now, against their cap.</summary>
    internal Protocol.Framing.FrameMemoryBudget FrameMemory => _context.FrameMemory;

    /// <summary>Binds the listener and starts accepting. Throws <see cref="SocketException"/> when the address cannot be bound.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("the tracker is already started");
        var listener = new TcpListener(_options.Host, _options.Port);
        listener.Start();
        _listener = listener;
        TrackerLog.Listening(_logger, LocalEndPoint.ToString());
        StartDiscovery();
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
        return Task.CompletedTask;
    }

    // Discovery is a convenience: without its port the tracker still serves peers that name it.
    private void StartDiscovery()
    {
        if (_options.Discovery is not { } discovery)
            return;
        try
        {
            _discovery = DiscoveryResponder.Start(_options.Host, discovery, LocalEndPoint.Port, _logger);
            TrackerLog.DiscoveryListening(_logger, _discovery.LocalEndPoint.ToString());
        }
        catch (SocketException e)
        {
            DiscoveryProblem = $"cannot answer discovery on UDP port {discovery.Port}: {e.Message}";
            TrackerLog.DiscoveryUnavailable(_logger, discovery.Port, e.Message);
        }
        if (discovery.Mdns is not { } mdns)
            return;
        if (mdns.Multicast && IPAddress.IsLoopback(_options.Host))
        {
            // Nothing off this machine could reach it, so it is not advertised to the LAN.
            MdnsProblem = $"the tracker listens on {_options.Host} only, which no other machine can reach";
            return;
        }
        if (!Network.LocalAddresses.IsAnyAddress(_options.Host))
            mdns = mdns with { OnlyAddress = _options.Host };
        try
        {
            _mdns = MdnsResponder.Start(mdns, LocalEndPoint.Port, discovery.Secret is not null, _logger);
            TrackerLog.MdnsListening(_logger, _mdns.Instance, _mdns.Port);
        }
        catch (SocketException e)
        {
            MdnsProblem = $"cannot answer mDNS on UDP port {mdns.Port}: {e.Message}";
            TrackerLog.MdnsUnavailable(_logger, mdns.Port, e.Message);
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        var stop = _stopAccepting.Token;
        var backoff = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await listener.AcceptTcpClientAsync(stop);
                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return; // Shutdown: stop quietly.
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
            {
                TrackerLog.AcceptClientFault(_logger, e.Message); // One bad client: go on.
                continue;
            }
            catch (SocketException e)
            {
                // Resource pressure (out of sockets or buffers) or a listener fault: back off, retry.
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxAcceptBackoff.Ticks));
                if (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                    TrackerLog.AcceptPressure(_logger, e.Message, backoff.TotalMilliseconds);
                else
                    TrackerLog.AcceptFailed(_logger, e.Message, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            Admit(tcp);
        }
    }

    private void Admit(TcpClient tcp)
    {
        IPEndPoint remote;
        try
        {
            remote = Normalize((IPEndPoint)tcp.Client.RemoteEndPoint!);
            ConfigureSocket(tcp.Client);
        }
        catch (Exception e) when (ConnectionFaults.IsFault(e))
        {
            TrackerLog.SetupFailed(_logger, "a client", e.Message);
            tcp.Dispose();
            return;
        }

        string address = remote.Address.ToString();
        if (_quota.TryAdmit(address) is { } full)
        {
            TrackerLog.RefusedBusy(_logger, remote.ToString(), full);
            _background.Start(() => RefuseBusyAsync(tcp, remote, full));
            return;
        }

        long id = Interlocked.Increment(ref _nextClientId);
        ClientSession session;
        try
        {
            session = new ClientSession(id, tcp, remote, _context, () =>
            {
                _quota.Release(address); // first: whoever sees ConnectionCount drop must find the slot free
                _sessions.TryRemove(id, out var _);
            });
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            TrackerLog.SetupFailed(_logger, remote.ToString(), e.Message); // It hung up while being accepted.
            _quota.Release(address);
            tcp.Dispose();
            return;
        }
        _sessions[id] = session; // before the thread starts, so the session's end always finds it here
        new Thread(session.Run) { Name = $"tracker-client {remote}", IsBackground = true }.Start();
    }

    private void ConfigureSocket(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)_options.KeepAliveTime.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)_options.KeepAliveInterval.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, _options.KeepAliveRetryCount);
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    // Over the limit: read the hello (so the refusal can answer it by id), say busy, close.
    private async Task RefuseBusyAsync(TcpClient tcp, IPEndPoint remote, string why)
    {
        using var owned = tcp;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        deadline.CancelAfter(_options.HandshakeTimeout + _options.RequestTimeout);
        try
        {
            // In the connection's own transport: a TLS client reads nothing in clear.
            var accepted = await TransportSecurity.AcceptAsync(tcp.Client, tcp.GetStream(), _options.Secret, _options.HandshakeTimeout, deadline.Token);
            if (accepted.Secured is not { } secured)
                return;
            await using var channel = new MessageChannel(secured.Stream, _options.Limits);
            using var first = await channel.ReceiveAsync(_options.HandshakeTimeout, deadline.Token);
            if (first is not null)
            {
                await channel.ReplyAsync(first.Message,
                    new ErrorReply(ErrorCodes.Busy, $"the tracker is {why}; try again later"),
                    default, deadline.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException || ConnectionFaults.IsFault(e))
        {
            TrackerLog.RefusalEnded(_logger, remote.ToString(), e.Message);
        }
    }

    /// <summary>Stops accepting, says goodbye to every peer, closes every connection and waits (bounded) for the client threads.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var listener = _listener;
        if (listener is not null)
        {
            var goodbyes = _clients.Except(null);
            TrackerLog.Stopping(_logger, goodbyes.Count);
            await _stopAccepting.CancelAsync();
            listener.Stop();
            if (_discovery is not null)
                await _discovery.DisposeAsync();
            if (_mdns is not null)
                await _mdns.DisposeAsync();
            await _acceptLoop;

            using (var byeDeadline = new CancellationTokenSource(_options.ShutdownTimeout / 2))
                await Task.WhenAll(goodbyes.Select(s => s.SayByeAsync(byeDeadline.Token)));
            await _shutdown.CancelAsync();

            var sessions = _sessions.Values.ToList();
            foreach (var session in sessions)
                session.Close("the tracker is stopping");
            try
            {
                await Task.WhenAll(sessions.Select(s => s.Completion).Append(_background.WhenAll())).WaitAsync(_options.ShutdownTimeout);
            }
            catch (TimeoutException)
            {
                TrackerLog.StopIncomplete(_logger, _sessions.Count, _options.ShutdownTimeout.TotalSeconds);
            }
            TrackerLog.Stopped(_logger);
        }
        _stopAccepting.Dispose();
        _shutdown.Dispose();
    }
}
