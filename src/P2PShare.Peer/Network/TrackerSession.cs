using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// The peer's one tracker link, and the guard every request to the tracker passes: joining (a new
/// <c>start</c> replaces the link) and calling turn connection faults into typed failures.
/// </summary>
internal sealed class TrackerSession : IAsyncDisposable
{
    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _leaving;
    private volatile TrackerLink? _link;

    public TrackerSession(PeerOptions options, ILogger logger, CancellationToken leaving)
    {
        _options = options;
        _logger = logger;
        _leaving = leaving;
        Patience = new TrackerPatience(() => Client, options.HolderWait, options.HolderRefreshInterval, logger);
    }

    /// <summary>Lets a folder's look-ups wait out a short loss of the tracker instead of failing at once.</summary>
    public TrackerPatience Patience { get; }

    /// <summary>The connection now, if joined (it may be lost and reconnecting).</summary>
    public TrackerClient? Client => _link?.Client;

    /// <summary>
    /// Leaves the tracker joined before, if any, and joins the one at <paramref name="endpoint"/>.
    /// Throws <see cref="PeerCommandException"/> for a bad address, a refusal, or no tracker there.
    /// </summary>
    public async Task JoinAsync(string endpoint, TrackerLinkHooks hooks, CancellationToken cancellationToken)
    {
        if (!EndpointParser.TryParse(endpoint, 12500, out var host, out var port, out var error))
            throw new PeerCommandException(new BadTrackerAddress(endpoint, error ?? ""));
        if (_link is { } old)
        {
            _link = null;
            await old.DisposeAsync();
        }
        string tracker = TcpConnector.Format(host, port);
        try
        {
            _link = await TrackerLink.ConnectAsync(host, port, _options, _logger, hooks with { Tell = n => { Patience.Observe(n); hooks.Tell(n); } }, _leaving, cancellationToken);
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.Auth)
        {
            throw new PeerCommandException(new JoinRefused(tracker, e.Text, SecretOffered: _options.Secret is not null), e);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            throw new PeerCommandException(new TrackerUnreachable(tracker, e.Message), e);
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> (named <paramref name="request"/>) on the joined tracker. Throws
    /// <see cref="PeerCommandException"/> when not joined, while the connection is lost, or when it fails.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<TrackerClient, Task<T>> call, string request)
    {
        var tracker = Client ?? throw new PeerCommandException(new NotJoined());
        if (!tracker.IsConnected)
            throw new PeerCommandException(new TrackerDown(tracker.Endpoint, tracker.CloseReason));
        try
        {
            return await call(tracker);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            throw new PeerCommandException(new TrackerSilent(tracker.Endpoint, request, e.Message), e);
        }
    }

    /// <summary>As <see cref="CallAsync"/>, waiting out a short loss of the tracker (see <see cref="TrackerPatience"/>).</summary>
    public Task<T> CallPatientlyAsync<T>(Func<TrackerClient, Task<T>> call, string request, Func<T, bool> found, CancellationToken cancellationToken) =>
        Patience.CallAsync(() => CallAsync(call, request), found, request, cancellationToken);

    /// <summary>Reports every file again, if joined; failures are logged, not thrown.</summary>
    public Task AnnounceQuietlyAsync() => _link is { } link ? link.AnnounceQuietlyAsync() : Task.CompletedTask;

    /// <summary>Leaves the tracker, if joined.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_link is { } link)
            await link.DisposeAsync();
    }
}
