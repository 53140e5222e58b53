using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Discovery;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer;

/// <summary>
/// One peer: its repository, the server that shares it, its tracker connection and its downloads.
/// Everything the command loop, <c>serve</c> and <c>get</c> do goes through here, so a test can run
/// a whole peer in-process.
/// </summary>
public sealed class PeerNode : IAsyncDisposable
{
    private readonly PeerOptions _options;
    private readonly PeerParts _parts;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<ActiveDownload> _downloads = [];
    private readonly HashSet<FileId> _announcedPartial = [];
    private readonly CancellationTokenSource _leaving = new();
    private Repository? _repository;
    private PieceServer? _server;
    private volatile TrackerLink? _link;
    private readonly HaveNotices _haveNotices;
    private int _disposed;

    /// <summary>Creates a peer (of <paramref name="parts"/>, when a test replaces some); call <see cref="StartServingAsync"/> next.</summary>
    public PeerNode(PeerOptions options, ILoggerFactory loggers, PeerParts? parts = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _parts = parts ?? new PeerParts();
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger("P2PShare.Peer");
        _haveNotices = new HaveNotices(options.HaveNoticeInterval, CurrentPieces, SendHaveSetAsync);
    }

    /// <summary>Raised when a download ends (completed, stopped or failed).</summary>
    public event Action<DownloadResult>? DownloadFinished;

    /// <summary>
    /// Raised with a line for the user when something happens that no command asked about: a
    /// holder dropped from a download, the tracker lost, the tracker back.
    /// </summary>
    public event Action<string>? Notice;

    /// <summary>The repository (after <see cref="StartServingAsync"/>).</summary>
    public Repository Repository => _repository ?? throw new InvalidOperationException("the peer is not serving yet");

    /// <summary>Where pieces are served (after <see cref="StartServingAsync"/>).</summary>
    public IPEndPoint ServingEndPoint => _server?.LocalEndPoint ?? throw new InvalidOperationException("the peer is not serving yet");

    /// <summary>The tracker we are joined to, if any.</summary>
    public string? TrackerEndpoint => _link?.Client is { IsConnected: true } t ? t.Endpoint : null;

    /// <summary>The downloads under way.</summary>
    public IReadOnlyList<ActiveDownload> Downloads
    {
        get
        {
            lock (_gate)
                return _downloads.ToList();
        }
    }

    /// <summary>
    /// Binds the piece server, opens and scans the repository (named after the port unless given),
    /// and starts serving. Throws <see cref="PeerCommandException"/> if the port is taken.
    /// </summary>
    public async Task StartServingAsync(CancellationToken cancellationToken)
    {
        var listener = new TcpListener(_options.BindAddress, _options.Port);
        try
        {
            listener.Start(backlog: 128);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new PeerCommandException($"cannot serve on port {_options.Port}: {e.Message}. Pick another with --port, or --port 0 for any free port.", e);
        }
        try
        {
            _repository = new Repository(_options.ResolveRepository(), _loggers.CreateLogger("P2PShare.Peer.Storage"), _options.PieceLength, _options.StatePersistInterval, _parts.BeforeDiskWrite);
            if (_options.ShareFolderContents)
                await _repository.ScanAsync(cancellationToken);
        }
        catch (StorageException e)
        {
            // An unusable folder (a file by that name, no permission) is the user's to fix: one line, no stack trace.
            listener.Dispose();
            throw new PeerCommandException(e.Message, e);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _repository.FileGone += OnFileGone;
        IPieceSource pieces = new RepositoryPieces(_repository);
        if (_options.TestOnlyServeBytesPerSecond > 0)
            pieces = new ThrottledPieces(pieces, _options.TestOnlyServeBytesPerSecond);
        _server = new PieceServer(listener, _parts.ServeThrough(pieces), _options, _loggers.CreateLogger("P2PShare.Peer.Server"));
        _server.Start();
        PeerLog.Serving(_logger, _server.LocalEndPoint.ToString(), _repository.Root);
    }

    /// <summary>
    /// Joins the tracker at <paramref name="endpoint"/> (or the default), reports our files and
    /// returns the files in the network (none asked for without <paramref name="listFiles"/>:
    /// `serve` and `get` have no use for the whole list, so they never wait for, or depend on, it).
    /// </summary>
    public Task<IReadOnlyList<NetworkFile>> JoinAsync(string? endpoint, CancellationToken cancellationToken, bool listFiles = true) =>
        JoinAsync(endpoint, false, listFiles, cancellationToken);

    // `discovered`: discovery found this tracker, so when it is lost the link also listens for its beacon.
    private async Task<IReadOnlyList<NetworkFile>> JoinAsync(string? endpoint, bool discovered, bool listFiles, CancellationToken cancellationToken)
    {
        endpoint ??= _options.DefaultTracker;
        if (!EndpointParser.TryParse(endpoint, 12500, out var host, out var port, out var error))
            throw new PeerCommandException($"'{endpoint}' is not a tracker address: {error}. Write it as HOST:PORT, e.g. 127.0.0.1:12500.");
        if (_link is { } old)
        {
            _link = null;
            await old.DisposeAsync();
        }
        try
        {
            var beacons = discovered && _options.Discovery is { Mdns: true, Target: null } discovery
                ? () => BeaconListener.TryStart(discovery, _loggers.CreateLogger("P2PShare.Peer.Discovery"))
                : (Func<BeaconListener?>?)null;
            var hooks = new TrackerLinkHooks(() => ServingEndPoint.Port, CurrentFiles, () => Downloads.Count > 0, Tell) { OpenBeacon = beacons };
            _link = await TrackerLink.ConnectAsync(host, port, _options, _loggers.CreateLogger("P2PShare.Peer.Tracker"), hooks, _leaving.Token, cancellationToken);
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.Auth)
        {
            throw new PeerCommandException($"the tracker at {TcpConnector.Format(host, port)} refused us: {e.Text}.", e);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            throw new PeerCommandException($"could not join the tracker at {TcpConnector.Format(host, port)}: {e.Message}. " +
                "Is the tracker running (dotnet run --project src/P2PShare.Tracker)? Is the address right? Is a firewall blocking the port?", e);
        }
        return listFiles ? await ListAsync(cancellationToken) : [];
    }

    /// <summary>
    /// Joins <paramref name="named"/> if given; otherwise finds the tracker (<c>--tracker</c>, then
    /// discovery, then the default), tells <paramref name="say"/> how it found it, and joins it
    /// (see <see cref="JoinAsync(string?, CancellationToken, bool)"/> for <paramref name="listFiles"/>).
    /// </summary>
    public async Task<IReadOnlyList<NetworkFile>> LocateAndJoinAsync(string? named, Action<string> say, CancellationToken cancellationToken, bool listFiles = true)
    {
        ArgumentNullException.ThrowIfNull(say);
        var location = await TrackerLocator.LocateAsync(named, _options, _loggers.CreateLogger("P2PShare.Peer.Discovery"), cancellationToken);
        if (location.Account is not null)
            say(location.Account);
        try
        {
            return await JoinAsync(location.Endpoint, location.Discovered, listFiles, cancellationToken);
        }
        catch (PeerCommandException e) when (location.Hint is not null)
        {
            throw new PeerCommandException($"{e.Message} {location.Hint}", e);
        }
    }

    /// <summary>
    /// Looks for a tracker every way discovery knows (as <c>--discovery-target</c> and the secret
    /// say, even with <c>--tracker</c> or <c>--no-discovery</c>) and reports what each way got.
    /// </summary>
    public static Task<DiscoveryReport> DiscoverAsync(PeerOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var discovery = options.Discovery ?? new DiscoveryOptions { Secret = options.Secret };
        return DiscoveryClient.DiagnoseAsync(discovery, loggers.CreateLogger("P2PShare.Peer.Discovery"), cancellationToken);
    }

    /// <summary>As <see cref="DiscoverAsync(PeerOptions, ILoggerFactory, CancellationToken)"/>, with this peer's options.</summary>
    public Task<DiscoveryReport> DiscoverAsync(CancellationToken cancellationToken) => DiscoverAsync(_options, _loggers, cancellationToken);

    /// <summary>Rescans the repository, has every peer re-report, and returns the fresh list.</summary>
    public async Task<IReadOnlyList<NetworkFile>> UpdateAsync(CancellationToken cancellationToken)
    {
        await Repository.ScanAsync(cancellationToken);
        return await CallTrackerAsync(t => t.UpdateAsync(cancellationToken), "update");
    }

    /// <summary>The files in the network as the tracker knows them now.</summary>
    public Task<IReadOnlyList<NetworkFile>> ListAsync(CancellationToken cancellationToken) =>
        CallTrackerAsync(t => t.ListAsync(null, cancellationToken), "list");

    /// <summary>
    /// Finds <paramref name="nameOrId"/> in the network (a name, or at least 6 hex digits of an id),
    /// asks the tracker who holds it and starts downloading from all of them. A name is looked up
    /// by name alone, so a request never depends on the whole network's list.
    /// </summary>
    public async Task<ActiveDownload> RequestAsync(string nameOrId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        var files = await CallTrackerAsync(t => t.ListAsync(nameOrId, cancellationToken), "list");
        if (files.Count == 0 && LooksLikeId(nameOrId))
            files = await ListAsync(cancellationToken);
        var shapes = Resolve(nameOrId, files);
        var target = shapes[0];
        lock (_gate)
        {
            if (_downloads.Any(d => d.Session.Id == target.Id))
                throw new PeerCommandException($"'{target.Name}' ({target.Id.ShortText}) is already downloading; `status` shows how far it is.");
        }
        if (Repository.TryGet(target.Id, out var local) && local is { IsComplete: true } && !File.Exists(local.FinalPath))
        {
            // Deleted from the folder since the last scan: forget it (and stop claiming it) instead of refusing.
            if (_options.ShareFolderContents)
                await Repository.ScanAsync(cancellationToken);
            if (_link is { } relink)
                await relink.AnnounceQuietlyAsync();
        }
        if (!_options.ShareFolderContents)
            await Repository.AdoptAsync(target.Name, target.Id, target.PieceLength, cancellationToken); // fetched by an earlier run
        // Already here and verified (hashed, or cached while its stamp is unchanged): that is success, not an
        // error, e.g. the same `get` run twice or a crash just after the final rename; the session says so.
        IReadOnlyList<HolderEntry> peers = [];
        var shape = Shape(target);
        if (!(Repository.TryGet(target.Id, out local) && local is { IsComplete: true }))
        {
            var holders = await CallTrackerAsync(t => FindShapeHoldersAsync(t, shapes, cancellationToken), "who-has")
                ?? throw new PeerCommandException($"no other peer holds '{target.Name}' ({target.Id.ShortText}) any more; try `update`.");
            if (holders.Peers.Count == 0)
                throw new PeerCommandException($"no other peer holds '{target.Name}' ({target.Id.ShortText}); try `update`.");
            peers = holders.Peers;
            shape = new FileShape(holders.Length, holders.PieceLength);
        }

        var session = new DownloadSession(target.Id, target.Name, shape.Length, peers, Repository, _options, ServingEndPoint.Port,
            _loggers.CreateLogger("P2PShare.Peer.Download"), ct => FindHoldersAsync(target.Id, shape, ct));
        session.PieceVerified += OnPieceVerified;
        session.PeerDropped += (peer, drop) => Tell(Commands.Report.PeerDropped(session.Name, peer.ToString(), Commands.DownloadText.Drop(drop)));
        session.PeerLost += (peer, drop) => Tell(Commands.Report.PeerLost(session.Name, peer.ToString(), Commands.DownloadText.Drop(drop)));
        var stop = new CancellationTokenSource();
        ActiveDownload download;
        // Listed before its run can end: a session that ends at once ("Already have") removes itself
        // under this lock, and must find itself listed, or a stale entry with a disposed stop source stays.
        lock (_gate)
        {
            download = new ActiveDownload(session, stop, RunDownloadAsync(session, stop), alreadyHere: peers.Count == 0);
            _downloads.Add(download);
        }
        return download;
    }

    private static bool LooksLikeId(string text) => text.Length >= 6 && text.All(Uri.IsHexDigit);

    /// <summary>
    /// The holders of the file in its true shape. Holders of one id may claim different shapes (a
    /// client announced the id with a wrong length, to lock the honest holders out); the tracker
    /// cannot tell which is true, but a manifest that hashes to the id can: then the first
    /// holder, of any claimed shape, that sends one settles it. Null when nobody holds it.
    /// </summary>
    private async Task<Holders?> FindShapeHoldersAsync(TrackerClient tracker, List<NetworkFile> shapes, CancellationToken cancellationToken)
    {
        var id = shapes[0].Id;
        if (shapes.Count == 1)
            return await tracker.WhoHasAsync(id, Shape(shapes[0]), cancellationToken);
        foreach (var claimed in shapes)
        {
            var holders = await tracker.WhoHasAsync(id, Shape(claimed), cancellationToken);
            foreach (var holder in holders?.Peers.Take(MaxShapeProbes) ?? [])
            {
                if (await ProbeManifestAsync(holder, id, cancellationToken) is not { } manifest)
                    continue;
                var truth = new FileShape(manifest.Length, manifest.PieceLength);
                PeerLog.ShapeSettled(_logger, id.ShortText, shapes.Count, truth.Length, truth.PieceLength);
                return truth == Shape(claimed) ? holders : await tracker.WhoHasAsync(id, truth, cancellationToken);
            }
        }
        return null;
    }

    // Holders asked for a manifest per claimed shape: enough to get past a few liars, few enough to stay quick.
    private const int MaxShapeProbes = 3;

    private static FileShape Shape(NetworkFile file) => new(file.Length, file.PieceLength);

    // The file's manifest from one holder, checked against the id; null when it has none (or a false one).
    private async Task<Manifest?> ProbeManifestAsync(HolderEntry holder, FileId id, CancellationToken cancellationToken)
    {
        try
        {
            await using var link = await PeerLink.ConnectAsync(holder.Host, holder.Port, ServingEndPoint.Port, _options, cancellationToken);
            return await link.GetManifestAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            PeerLog.ShapeProbeFailed(_logger, holder.Endpoint, id.ShortText, e.Message);
            return null;
        }
    }

    // Holders that appeared since the download began: other peers downloading it at the same time.
    private async Task<IReadOnlyList<HolderEntry>> FindHoldersAsync(FileId file, FileShape shape, CancellationToken cancellationToken)
    {
        var tracker = _link?.Client;
        if (tracker is not { IsConnected: true })
            return [];
        return (await tracker.WhoHasAsync(file, shape, cancellationToken))?.Peers ?? [];
    }

    private async Task<DownloadResult> RunDownloadAsync(DownloadSession session, CancellationTokenSource stop)
    {
        await Task.Yield();
        DownloadResult result;
        try
        {
            result = await session.RunAsync(stop.Token);
        }
        finally
        {
            session.PieceVerified -= OnPieceVerified;
            lock (_gate)
            {
                _downloads.RemoveAll(d => d.Session == session);
                _announcedPartial.Remove(session.Id);
            }
            stop.Dispose();
        }
        // A download that ends with nothing verified keeps nothing: its sparse .part and state go.
        if (result.Outcome != DownloadOutcome.Completed)
            _repository?.ReleaseIfEmpty(session.Id);
        if (_link is { } link)
            await link.AnnounceQuietlyAsync();
        DownloadFinished?.Invoke(result);
        return result;
    }

    // A shared file was deleted or changed: the tracker must stop sending fetchers here for it.
    private void OnFileGone(SharedFile file)
    {
        if (_link is { } link)
            _ = link.AnnounceQuietlyAsync();
    }

    // Other peers may fetch pieces we have verified while we are still downloading.
    private void OnPieceVerified(FileId file, int piece)
    {
        var link = _link;
        if (link is null)
            return;
        bool first;
        lock (_gate)
            first = _announcedPartial.Add(file);
        if (first)
            _ = link.AnnounceQuietlyAsync();
        else
            _haveNotices.Gained(file);
    }

    private PieceSet? CurrentPieces(FileId file) =>
        _repository is { } repository && repository.TryGet(file, out var local) && local is not null ? local.Snapshot() : null;

    private Task SendHaveSetAsync(FileId file, PieceSet pieces) =>
        _link is { } link ? link.Client.SendHaveSetAsync(file, pieces) : Task.CompletedTask;

    // A notice is news, not a command's answer: a subscriber that cannot write it must not stop the peer.
    private void Tell(string line)
    {
        try
        {
            Notice?.Invoke(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            PeerLog.NoticeLost(_logger, e.Message);
        }
    }

    // The entries of the one file meant, the shape most holders claim first; several ids under the name is the user's choice.
    private static List<NetworkFile> Resolve(string nameOrId, IReadOnlyList<NetworkFile> files)
    {
        var byName = files.Where(f => f.Name == nameOrId).ToList();
        if (byName.Count == 0 && LooksLikeId(nameOrId))
            byName = files.Where(f => f.Id.ToString().StartsWith(nameOrId.ToLowerInvariant(), StringComparison.Ordinal)).ToList();
        if (byName.Count == 0 && nameOrId.Length is > 0 and < 6 && nameOrId.All(Uri.IsHexDigit))
            throw new PeerCommandException($"no file named '{nameOrId}' in the network; to give an id, give at least 6 hex digits of it (`list` shows them).");
        // One id listed in several shapes is one file: some holder lies about its length, and the manifest will say which.
        var byId = byName.GroupBy(f => f.Id)
            .Select(g => g.OrderByDescending(f => f.CompleteHolders).ThenByDescending(f => f.CompleteHolders + f.PartialHolders).ToList())
            .ToList();
        return byId.Count switch
        {
            1 => byId[0],
            0 => throw new PeerCommandException($"no file named '{nameOrId}' in the network. `list` shows what there is; `update` refreshes it."),
            _ => throw new PeerCommandException(
                $"{byId.Count} different files are called '{nameOrId}': " +
                string.Join("; ", byId.Select(g => g[0]).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Id.ShortText} ({Units.Bytes(f.Length)}, {Commands.Report.Plural(f.CompleteHolders + f.PartialHolders, "holder")})"))) +
                $". Request one by its id, e.g. `request {byId[0][0].Id.ShortText}`."),
        };
    }

    /// <summary>Stops every download under way and closes its connections; verified pieces are kept.</summary>
    public async Task<IReadOnlyList<DownloadResult>> StopDownloadsAsync()
    {
        var running = Downloads;
        foreach (var download in running)
            await download.StopAsync();
        return await Task.WhenAll(running.Select(d => d.Completion));
    }

    /// <summary>Waits until every download under way has ended.</summary>
    public async Task<IReadOnlyList<DownloadResult>> WaitForDownloadsAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Downloads.Select(d => d.Completion)).WaitAsync(cancellationToken);

    private List<FileEntry> CurrentFiles() =>
        _repository is null ? [] : _repository.Files
            .Where(f => !f.IsComplete || File.Exists(f.FinalPath)) // a shared file deleted since the last scan is not claimed
            .Select(f => new FileEntry(f.Id, f.Name, f.Manifest.Length, f.Manifest.PieceLength, f.IsComplete ? null : f.Snapshot()))
            .ToList();

    private async Task<T> CallTrackerAsync<T>(Func<TrackerClient, Task<T>> call, string what)
    {
        var tracker = _link?.Client;
        if (tracker is null)
            throw new PeerCommandException("not joined to a tracker yet: type `start` first (it looks for one on the LAN), or `start HOST:PORT`.");
        if (!tracker.IsConnected)
            throw new PeerCommandException($"the connection to the tracker at {tracker.Endpoint} was lost ({tracker.CloseReason}); reconnecting by itself in the background, try again shortly (or `start` another tracker).");
        try
        {
            return await call(tracker);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            throw new PeerCommandException($"the tracker at {tracker.Endpoint} did not answer `{what}`: {e.Message}", e);
        }
    }

    /// <summary>Stops downloads (keeping their pieces), leaves the tracker, stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _leaving.CancelAsync();
        await StopDownloadsAsync();
        _haveNotices.Dispose();
        if (_link is { } link)
            await link.DisposeAsync();
        _leaving.Dispose();
        if (_server is { } server)
            await server.DisposeAsync();
        _repository?.Dispose();
    }
}
