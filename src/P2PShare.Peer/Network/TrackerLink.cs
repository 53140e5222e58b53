using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// A peer's connection to one tracker, kept up: when it is lost (tracker restarted, network cut)
/// rather than left on purpose, it tells the peer (<see cref="TrackerLost"/>) and reconnects with <see cref="ReconnectBackoff"/>
/// until the tracker is back, re-reporting every file (downloads in progress with their verified
/// pieces). <c>start</c> with another tracker disposes the link and makes a new one.
/// </summary>
internal sealed class TrackerLink : IAsyncDisposable
{
    private string _host;
    private int _port;
    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly TrackerLinkHooks _peer;
    private readonly CancellationTokenSource _stop;
    private volatile TrackerClient _client;
    private Task _watch = Task.CompletedTask;

    private TrackerLink(string host, int port, TrackerClient client, PeerOptions options, ILogger logger, TrackerLinkHooks peer, CancellationToken leaving)
    {
        _host = host;
        _port = port;
        _client = client;
        _options = options;
        _logger = logger;
        _peer = peer;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(leaving);
    }

    /// <summary>The connection now: after a reconnect, a new one.</summary>
    public TrackerClient Client => _client;

    /// <summary>
    /// Joins the tracker at <paramref name="host"/>:<paramref name="port"/> and keeps the connection
    /// up until disposed or <paramref name="leaving"/> is cancelled. Throws what
    /// <see cref="TrackerClient.ConnectAsync"/> throws when the first connection fails.
    /// </summary>
    public static async Task<TrackerLink> ConnectAsync(string host, int port, PeerOptions options, ILogger logger, TrackerLinkHooks peer,
        CancellationToken leaving, CancellationToken cancellationToken)
    {
        var client = await TrackerClient.ConnectAsync(host, port, peer, options, logger, cancellationToken);
        var link = new TrackerLink(host, port, client, options, logger, peer, leaving);
        link._watch = Task.Run(link.KeepAsync, CancellationToken.None);
        return link;
    }

    /// <summary>Reports every file again; a failure is logged, not thrown (the watch reconnects).</summary>
    public async Task AnnounceQuietlyAsync()
    {
        var client = _client;
        if (!client.IsConnected)
            return;
        try
        {
            await client.AnnounceAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            PeerLog.TrackerLost(_logger, client.Endpoint, e.Message);
        }
    }

    private async Task KeepAsync()
    {
        var stop = _stop.Token;
        while (true)
        {
            var client = _client;
            await client.Completion.WaitAsync(stop).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stop.IsCancellationRequested)
                return; // left on purpose, or replaced by `start`
            _peer.Tell(new TrackerLost(client.Endpoint, client.CloseReason));
            var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay, new Random());
            var fresh = await ReconnectAsync(client.Endpoint, backoff, stop);
            if (fresh is null)
                return;
            _client = fresh;
            PeerLog.Reconnected(_logger, fresh.Endpoint, backoff.Attempts);
            // A piece verified while we reconnected went to the old connection; one more announce repairs it.
            if (_peer.Downloading())
                await AnnounceQuietlyAsync();
            _peer.Tell(new TrackerBack(fresh.Endpoint, _peer.CurrentFiles().Count));
        }
    }

    // Tries until it connects (the new connection) or is stopped (null). With a beacon listener, a
    // tracker heard announcing itself ends the wait at once and is tried instead (it may have moved).
    private async Task<TrackerClient?> ReconnectAsync(string endpoint, ReconnectBackoff backoff, CancellationToken stop)
    {
        await using var beacon = _peer.OpenBeacon?.Invoke();
        Task<System.Net.IPEndPoint>? heard = beacon?.NextAsync(stop);
        while (true)
        {
            var wait = backoff.Next();
            PeerLog.ReconnectWaiting(_logger, endpoint, wait.TotalMilliseconds, backoff.Attempts);
            TrackerClient? fresh = null;
            try
            {
                var delay = Task.Delay(wait, stop);
                if (beacon is not null && heard is not null)
                {
                    await beacon.Ask(stop);
                    await Task.WhenAny(delay, heard);
                }
                else
                {
                    await delay;
                }
                stop.ThrowIfCancellationRequested();
                if (heard is { IsCompletedSuccessfully: true } && beacon is not null)
                {
                    var found = await heard;
                    heard = beacon.NextAsync(stop);
                    if (found.Address.ToString() != _host || found.Port != _port)
                    {
                        _peer.Tell(new BeaconHeard(found.ToString()));
                        fresh = await TrackerClient.ConnectAsync(found.Address.ToString(), found.Port, _peer, _options, _logger, stop);
                        (_host, _port) = (found.Address.ToString(), found.Port);
                    }
                }
                fresh ??= await TrackerClient.ConnectAsync(_host, _port, _peer, _options, _logger, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
            {
                PeerLog.ReconnectFailed(_logger, backoff.Attempts, endpoint, e.Message);
            }
            if (stop.IsCancellationRequested)
            {
                if (fresh is not null)
                    await fresh.DisposeAsync();
                return null; // leaving, or `start` is joining a tracker meanwhile
            }
            if (fresh is not null)
                return fresh;
        }
    }

    /// <summary>Stops reconnecting and leaves the tracker.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
