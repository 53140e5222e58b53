using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Peer.Network;

/// <summary>
/// Serves manifests and verified pieces to any number of peers at once: accepts and admits each
/// connection (limits, TLS, handshake), then <see cref="FetcherRequests"/> answers its requests in
/// order from an <see cref="IPieceSource"/>, which decides what is held.
/// </summary>
public sealed class PieceServer : IAsyncDisposable
{
    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _leaving = new();  // stop accepting and taking requests; finish what is being sent
    private readonly CancellationTokenSource _stopping = new(); // close outright
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<MessageChannel> _connections = [];
    private readonly ConnectionQuota _quota;
    private readonly FrameMemoryBudget _frameMemory;
    private readonly HaveWatchers _watchers = new();
    private readonly FetcherRequests _requests;
    private Task _acceptLoop = Task.CompletedTask;
    private int _active; // connections accepted and not yet closed
    private int _disposed;

    /// <summary>
    /// Creates a server of <paramref name="source"/> on a listener that is already bound (the
    /// repository's default folder is named after the port, so the port comes first); call <see cref="Start"/>.
    /// The server owns the listener.
    /// </summary>
    public PieceServer(TcpListener listener, IPieceSource source, PeerOptions options, ILogger logger)
    {
        _listener = listener ?? throw new ArgumentNullException(nameof(listener));
        ArgumentNullException.ThrowIfNull(source);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _quota = new ConnectionQuota(options.MaxServeConnections, options.MaxServeConnectionsPerAddress);
        _frameMemory = new FrameMemoryBudget(options.MaxServeFrameMemory);
        _requests = new FetcherRequests(source, new RecentSends(options.ElsewhereWindow), _watchers, logger);
    }

    /// <summary>The bound address (with the real port once started).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Pieces served since start (counted as each starts being sent; one cut off mid-send still counts).</summary>
    public long PiecesServed => _requests.PiecesServed;

    /// <summary>Files fetchers watch now (<c>get_have</c> with <c>watch::1</c>), over all connections.</summary>
    public int Watches => _watchers.Count;

    /// <summary>A piece of <paramref name="file"/> was verified here: fetchers watching the file are told.</summary>
    public void PieceGained(FileId file, int piece) => _watchers.Gained(file, piece);

    /// <summary>Connections open to this server now (fetchers being served, or greeting).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_connections)
                return _connections.Count;
        }
    }

    /// <summary>Starts accepting.</summary>
    public void Start()
    {
        _acceptLoop = AcceptLoopAsync(_leaving.Token, _stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken leaving, CancellationToken cancellationToken)
    {
        while (!leaving.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(leaving);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // One failed accept (a client that reset before we took it) is no reason to stop.
                PeerLog.AcceptFailed(_logger, e.Message);
                continue;
            }
            Interlocked.Increment(ref _active);
            _ = Task.Run(() => ServeCountedAsync(client, leaving, cancellationToken), CancellationToken.None);
        }
    }

    // Counted, so that leaving knows when the last fetcher has gone.
    private async Task ServeCountedAsync(TcpClient client, CancellationToken leaving, CancellationToken cancellationToken)
    {
        try
        {
            await ServeAsync(client, leaving, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0 && leaving.IsCancellationRequested)
                _allClosed.TrySetResult();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken leaving, CancellationToken cancellationToken)
    {
        string remote = client.Client.RemoteEndPoint?.ToString() ?? "?";
        var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address;
        string observed = (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString() ?? "";
        client.NoDelay = true;
        if (_quota.TryAdmit(observed) is { } full)
        {
            PeerLog.ServeRefused(_logger, remote, full);
            _ = RefuseBusyAsync(client, observed, full, cancellationToken);
            return;
        }
        MessageChannel? channel = null;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshake.CancelAfter(_options.HandshakeTimeout); // the whole handshake (TLS included), not each message of it
            channel = await OpenChannelAsync(client, observed, remote, handshake.Token);
            if (channel is null)
                return;
            var result = await Handshake.AcceptAsync(channel, PeerRole.Fetcher, observed, _options.Secret, null, _options.HandshakeTimeout, handshake.Token);
            if (result.Hello is null)
            {
                PeerLog.ServeNotGreeted(_logger, remote, result.Refusal);
                return;
            }
            PeerLog.ServeAccepted(_logger, remote);
            // Zero-copy sends write on the socket itself, which only a plain connection allows.
            // A fetcher is known by where it serves (it may reconnect), or by this connection when it serves nothing.
            string fetcher = result.Hello.ListenPort > 0 ? $"{observed}:{result.Hello.ListenPort}" : remote;
            await _requests.ServeAsync(new ServedConnection(channel, client.Client, remote, fetcher), _options.IdleTimeout, leaving, cancellationToken);
        }
        catch (FrameMemoryExhaustedException e)
        {
            PeerLog.ServeFrameMemoryExhausted(_logger, remote, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            if (!cancellationToken.IsCancellationRequested && !leaving.IsCancellationRequested) // leaving, a write after the half-close is no news
                PeerLog.ServeEnded(_logger, remote, e);
        }
#pragma warning disable CA1031 // Last line of defence for a fire-and-forget connection task: log whatever it is, end this connection only.
        catch (Exception e)
#pragma warning restore CA1031
        {
            PeerLog.ServeCrashed(_logger, remote, e);
        }
        finally
        {
            if (channel is not null)
            {
                _watchers.Closed(channel);
                lock (_connections)
                    _connections.Remove(channel);
                channel.Dispose();
            }
            _quota.Release(observed);
            client.Dispose();
        }
    }

    // The transport first (TLS when there is a secret), then the channel, listed so that stopping closes it.
    private async Task<MessageChannel?> OpenChannelAsync(TcpClient client, string observed, string remote, CancellationToken cancellationToken)
    {
        var accepted = await TransportSecurity.AcceptAsync(client.Client, client.GetStream(), _options.Secret, _frameMemory.ShareFor(observed), _options.HandshakeTimeout, cancellationToken);
        if (accepted.Secured is not { } secured)
        {
            PeerLog.ServeNotGreeted(_logger, remote, accepted.Refusal);
            return null;
        }
        var channel = new MessageChannel(secured.Stream, _options.Limits, _frameMemory.ShareFor(observed)) { Binding = secured.Binding };
        lock (_connections)
            _connections.Add(channel);
        return channel;
    }

    // Over a limit: answer busy in the connection's own transport (a TLS client reads nothing else), then close.
    private async Task RefuseBusyAsync(TcpClient client, string observed, string why, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                var accepted = await TransportSecurity.AcceptAsync(client.Client, client.GetStream(), _options.Secret, _options.HandshakeTimeout, cancellationToken);
                if (accepted.Secured is not { } secured)
                    return;
                await using var channel = new MessageChannel(secured.Stream, _options.Limits, _frameMemory.ShareFor(observed));
                await channel.SendAsync(new ErrorReply(ErrorCodes.Busy, $"this peer is {why}; try later") { ReplyTo = 1 }, default, cancellationToken)
                    .WaitAsync(_options.HandshakeTimeout, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException || ConnectionFaults.IsFault(e))
            {
                // They will see the connection close.
            }
        }
    }

    /// <summary>
    /// Stops accepting and taking requests, lets every fetcher take the piece already on its way and
    /// see the connection end (at most <see cref="PeerOptions.LeaveTimeout"/>), then closes what is left.
    /// Closing at once reset connections with a piece still in their sockets, and the fetcher lost it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _leaving.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        if (Volatile.Read(ref _active) == 0)
            _allClosed.TrySetResult();
        try
        {
            await _allClosed.Task.WaitAsync(_options.LeaveTimeout);
        }
        catch (TimeoutException)
        {
            // A fetcher that neither reads nor closes: it is closed below.
        }
        await _stopping.CancelAsync();
        lock (_connections)
        {
            foreach (var channel in _connections)
                channel.Close();
        }
        _leaving.Dispose();
        _stopping.Dispose();
    }
}
