using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// Our connection to the tracker: requests (announce, list, update, who-has), piece notices, and
/// answers to the tracker's own refresh requests, all on one connection.
/// </summary>
public sealed class TrackerClient : IAsyncDisposable
{
    private readonly MessageChannel _channel;
    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly Func<IReadOnlyList<FileEntry>> _currentFiles;
    private readonly SemaphoreSlim _announceGate = new(1, 1);
    private readonly Func<CancellationToken, Task>? _rescan;
    private readonly Action<PeerNotice> _tell;
    private readonly Task _readLoop;
    private readonly Lock _refusalGate = new();
    private IReadOnlyList<PeerNotice> _lastRefusals = [];

    /// <summary>Most files a listing gathers over all its pages, so a tracker that pages forever cannot make us hold it all.</summary>
    public const int MaxListedFiles = 1_000_000;

    /// <summary>How long a refresh waits for the folder's rescan: well within the tracker's wait for the answer (5 s by default); new big files still being hashed are reported next time.</summary>
    public static readonly TimeSpan RescanWait = TimeSpan.FromSeconds(2);

    private TrackerClient(MessageChannel channel, string endpoint, string observedAddress, PeerOptions options, ILogger logger, TrackerLinkHooks peer)
    {
        _channel = channel;
        Endpoint = endpoint;
        ObservedAddress = observedAddress;
        _options = options;
        _logger = logger;
        _currentFiles = peer.CurrentFiles;
        _rescan = peer.Rescan;
        _tell = peer.Tell;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The tracker's host:port.</summary>
    public string Endpoint { get; }

    /// <summary>Our address as the tracker sees it.</summary>
    public string ObservedAddress { get; }

    /// <summary>False once the connection has closed.</summary>
    public bool IsConnected => !_channel.Closed.IsCancellationRequested;

    /// <summary>Completes when the connection closes; never faults.</summary>
    public Task Completion => _readLoop;

    /// <summary>Why the connection closed, in plain words (null while it is open).</summary>
    public string? CloseReason { get; private set; }

    /// <summary>
    /// Connects, says hello and announces our files. Whenever the tracker wants a refresh the
    /// <paramref name="peer"/>'s folder is rescanned and its files asked again; it is told of each
    /// file the tracker refused to list (the others are shared all the same).
    /// </summary>
    internal static async Task<TrackerClient> ConnectAsync(string host, int port, TrackerLinkHooks peer,
        PeerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(peer);
        return await TcpConnector.ConnectAndGreetAsync(host, port, PeerRole.Peer, peer.ServingPort(), options, async (channel, welcome) =>
        {
            var client = new TrackerClient(channel, TcpConnector.Format(host, port), welcome.ObservedAddress, options, logger, peer);
            await client.AnnounceAsync(cancellationToken);
            PeerLog.TrackerJoined(logger, client.Endpoint);
            return client;
        }, cancellationToken);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await _channel.RunAsync(HandleAsync, Timeout.InfiniteTimeSpan);
            CloseReason ??= "the tracker closed the connection";
            if (!_disposing) // Our own goodbye closes it too; that is no loss.
                PeerLog.TrackerLost(_logger, Endpoint, CloseReason);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            CloseReason ??= e.Message;
            if (!_disposing)
                PeerLog.TrackerLost(_logger, Endpoint, e.Message);
        }
    }

    private volatile bool _disposing;

    private async Task HandleAsync(Incoming incoming, CancellationToken cancellationToken)
    {
        using (incoming)
        {
            switch (incoming.Message)
            {
                case Refresh refresh when _rescan is null:
                    await AnswerRefreshAsync(refresh, cancellationToken);
                    break;
                case Refresh refresh:
                    // Off the read loop: replies to our own requests keep arriving while the folder is rescanned.
                    _ = Task.Run(async () =>
                    {
                        await RescanAsync(_rescan, cancellationToken);
                        await AnswerRefreshAsync(refresh, cancellationToken);
                    }, CancellationToken.None);
                    break;
                case Bye:
                    CloseReason = "the tracker said goodbye (it is stopping)";
                    _channel.Close();
                    break;
                case var other when other.RequestId != 0:
                    await _channel.ReplyAsync(other, new ErrorReply(ErrorCodes.UnknownType, $"a peer does not answer '{other.Type}' from the tracker"), default, cancellationToken);
                    break;
            }
        }
    }

    private async Task AnswerRefreshAsync(Refresh refresh, CancellationToken cancellationToken)
    {
        try
        {
            var files = _currentFiles();
            PeerLog.TrackerRefresh(_logger, files.Count);
            await _channel.ReplyAsync(refresh, new Announce(files), default, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            // The connection closed meanwhile: the read loop reports that.
        }
    }

    // Picks up files added to the folder (and forgets deleted ones) since the last scan, so a headless seeder shares them after anyone's `update`.
    private async Task RescanAsync(Func<CancellationToken, Task> rescan, CancellationToken cancellationToken)
    {
        try
        {
            await rescan(cancellationToken).WaitAsync(RescanWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            PeerLog.RefreshRescanUnfinished(_logger, $"still hashing after {RescanWait.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            PeerLog.RefreshRescanUnfinished(_logger, e.Message);
        }
        catch (OperationCanceledException)
        {
            // The connection closed: there is no one to answer.
        }
    }

    /// <summary>
    /// Reports our whole repository (replacing what we reported before). Files the tracker refused
    /// (a name it will not take, past its limit per peer) are told to the user, once per change,
    /// and the rest are shared.
    /// </summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        // One at a time: each carries the whole repository as it was when taken, and the tracker keeps the
        // last it reads, so two taken in one order and sent in the other left it an older view for good
        // (seen under load: a file adopted under the network's id stayed listed under our own).
        await _announceGate.WaitAsync(cancellationToken);
        try
        {
            var files = _currentFiles();
            var (reply, raw) = await _channel.RequestAsync<Ok>(new Announce(files), _options.RequestTimeout, cancellationToken);
            raw.Dispose();
            TellRefusals(reply, files);
        }
        finally
        {
            _announceGate.Release();
        }
    }

    // One notice per refused file, then how many more; the same refusals again (every announce repeats them) are not news.
    private void TellRefusals(Ok reply, IReadOnlyList<FileEntry> sent)
    {
        var notices = RefusalNotices.From(reply, sent);
        lock (_refusalGate)
        {
            if (notices.SequenceEqual(_lastRefusals))
                return;
            _lastRefusals = notices;
        }
        foreach (var notice in notices)
        {
            PeerLog.AnnounceRefused(_logger, Endpoint, notice.ToString());
            _tell(notice);
        }
    }

    /// <summary>
    /// Every file in the network, or only those named <paramref name="name"/>: every page of the
    /// tracker's list (at most <see cref="MaxListedFiles"/> files).
    /// </summary>
    public Task<IReadOnlyList<NetworkFile>> ListAsync(string? name, CancellationToken cancellationToken) => ListAsync(name, null, cancellationToken);

    /// <summary>
    /// <see cref="ListAsync(string?, CancellationToken)"/> of the files whose name starts with
    /// <paramref name="prefix"/> (a folder: <c>photos/</c>): the tracker filters, and the list is
    /// filtered again here, because a tracker that does not know <c>prefix</c> sends everything.
    /// </summary>
    public async Task<IReadOnlyList<NetworkFile>> ListAsync(string? name, string? prefix, CancellationToken cancellationToken)
    {
        var (first, raw) = await _channel.RequestAsync<FileList>(new ListFiles(name) { Prefix = prefix }, _options.RequestTimeout, cancellationToken);
        raw.Dispose();
        var files = await RestAsync(first, name, prefix, cancellationToken);
        return string.IsNullOrEmpty(prefix) ? files : [.. files.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>Has every peer re-report, then returns the fresh network-wide list (every page of it).</summary>
    public async Task<IReadOnlyList<NetworkFile>> UpdateAsync(CancellationToken cancellationToken)
    {
        await AnnounceAsync(cancellationToken);
        var (first, raw) = await _channel.RequestAsync<FileList>(new UpdateRequest(), _options.UpdateTimeout, cancellationToken);
        raw.Dispose();
        return await RestAsync(first, null, null, cancellationToken);
    }

    // The pages after `page`, asked for with its cursor until the last (a tracker that does not page sends one).
    private async Task<IReadOnlyList<NetworkFile>> RestAsync(FileList page, string? name, string? prefix, CancellationToken cancellationToken)
    {
        if (page.Next is null)
            return page.Files;
        var files = new List<NetworkFile>(page.Files);
        while (page.Next is { } next && files.Count < MaxListedFiles)
        {
            var (reply, raw) = await _channel.RequestAsync<FileList>(new ListFiles(name, next) { Prefix = prefix }, _options.RequestTimeout, cancellationToken);
            raw.Dispose();
            if (reply.Next == next)
                throw new ProtocolException($"the tracker answered the list after '{next}' with the same cursor again");
            files.AddRange(reply.Files);
            page = reply;
        }
        PeerLog.ListPaged(_logger, Endpoint, files.Count);
        return files;
    }

    /// <summary>
    /// The other peers holding <paramref name="file"/> as <paramref name="shape"/> (the length and
    /// piece length picked from the list; null: the tracker picks); null when nobody does.
    /// </summary>
    public async Task<Holders?> WhoHasAsync(FileId file, FileShape? shape, CancellationToken cancellationToken)
    {
        try
        {
            var (reply, raw) = await _channel.RequestAsync<Holders>(new WhoHas(file) { Shape = shape }, _options.RequestTimeout, cancellationToken);
            raw.Dispose();
            return reply;
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The complete holders of each of <paramref name="files"/> (at most <see cref="WhoHasMany.MaxFiles"/>),
    /// in one round trip; the reply may answer only the first files (the rest must be asked again). Null
    /// when the tracker does not know <c>who_has_many</c> (an older one): ask with <see cref="WhoHasAsync"/> instead.
    /// </summary>
    public async Task<HoldersMany?> WhoHasManyAsync(IReadOnlyList<ShapedFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        try
        {
            var (reply, raw) = await _channel.RequestAsync<HoldersMany>(new WhoHasMany(files), _options.RequestTimeout, cancellationToken);
            raw.Dispose();
            if (reply.Files.Count > files.Count || reply.Files.Where((f, i) => f.File != files[i]).Any())
                throw new ProtocolException("the tracker answered who_has_many about other files than were asked");
            return reply;
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.UnknownType)
        {
            return null;
        }
    }

    /// <summary>Tells the tracker we hold at least <paramref name="pieces"/> of <paramref name="file"/> (best effort: a lost notice is repaired by the next one or the next announce).</summary>
    public async Task SendHaveSetAsync(FileId file, PieceSet pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        try
        {
            await _channel.SendAsync(new HaveSet(file, pieces.Count, pieces), default, _channel.Closed);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            PeerLog.HaveFailed(_logger, pieces.Present, e.Message);
        }
    }

    /// <summary>Says goodbye and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        try
        {
            if (IsConnected)
                await _channel.SendAsync(new Bye()).WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            // Leaving anyway.
        }
        _channel.Dispose();
        await _readLoop;
        _announceGate.Dispose();
    }
}
