using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Discovery;
using P2PShare.Peer.Network;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

/// <summary>
/// One peer: its repository, the server that shares it, its tracker connection and its downloads.
/// Everything the command loop, <c>serve</c> and <c>get</c> do goes through here, so a test can run
/// a whole peer in-process.
/// </summary>
public sealed partial class PeerNode : IAsyncDisposable
{
    private readonly PeerOptions _options;
    private readonly PeerParts _parts;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly DownloadList _downloads = new();
    private readonly CancellationTokenSource _leaving = new();
    private Repository? _repository;
    private PieceServer? _server;
    private readonly TrackerSession _tracker;
    private readonly HolderLookup _holders;
    private readonly PieceAnnouncer _pieces;
    private readonly CoalescedAnnounce _announceSoon;
    private int _disposed;

    /// <summary>Creates a peer (of <paramref name="parts"/>, when a test replaces some); call <see cref="StartServingAsync"/> next.</summary>
    public PeerNode(PeerOptions options, ILoggerFactory loggers, PeerParts? parts = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _parts = parts ?? new PeerParts();
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger("P2PShare.Peer");
        _tracker = new TrackerSession(options, loggers.CreateLogger("P2PShare.Peer.Tracker"), _leaving.Token);
        _holders = new HolderLookup(options, _logger, () => ServingEndPoint.Port);
        _pieces = new PieceAnnouncer(_tracker, options.HaveNoticeInterval, CurrentPieces);
        _announceSoon = new CoalescedAnnounce(_tracker.AnnounceQuietlyAsync);
    }

    /// <summary>Raised when a download ends (completed, stopped or failed).</summary>
    public event Action<DownloadResult>? DownloadFinished;

    /// <summary>
    /// Raised when something happens that no command asked about: a holder dropped from a download,
    /// the tracker lost, the tracker back (<c>Commands/NoticeText</c> words it).
    /// </summary>
    public event Action<PeerNotice>? Notice;

    /// <summary>The repository (after <see cref="StartServingAsync"/>).</summary>
    public Repository Repository => _repository ?? throw new InvalidOperationException("the peer is not serving yet");

    /// <summary>Where pieces are served (after <see cref="StartServingAsync"/>).</summary>
    public IPEndPoint ServingEndPoint => _server?.LocalEndPoint ?? throw new InvalidOperationException("the peer is not serving yet");

    /// <summary>Other peers connected to our piece server now.</summary>
    public int FetchersConnected => _server?.OpenConnections ?? 0;

    /// <summary>The tracker we are joined to, if any.</summary>
    public string? TrackerEndpoint => _tracker.Client is { IsConnected: true } t ? t.Endpoint : null;

    /// <summary>The downloads under way.</summary>
    public IReadOnlyList<ActiveDownload> Downloads => _downloads.Snapshot();

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
            throw new PeerCommandException(new PortInUse(_options.Port, e.Message), e);
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
            throw new PeerCommandException(new FolderUnusable(e.Message), e);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _repository.FileGone += OnFileGone;
        _server = new PieceServer(listener, _parts.ServeThrough(new RepositoryPieces(_repository)), _options, _loggers.CreateLogger("P2PShare.Peer.Server"));
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
        var beacons = discovered && _options.Discovery is { Mdns: true, Target: null } discovery
            ? () => BeaconListener.TryStart(discovery, _loggers.CreateLogger("P2PShare.Peer.Discovery"))
            : (Func<BeaconListener?>?)null;
        var hooks = new TrackerLinkHooks(() => ServingEndPoint.Port, CurrentFiles, () => Downloads.Count > 0, Tell)
        {
            OpenBeacon = beacons,
            Rescan = _options.ShareFolderContents ? ct => Repository.ScanAsync(ct) : null,
        };
        await _tracker.JoinAsync(endpoint ?? _options.DefaultTracker, hooks, cancellationToken);
        return listFiles ? await ListAsync(cancellationToken) : [];
    }

    /// <summary>
    /// Joins <paramref name="named"/> if given; otherwise finds the tracker (<c>--tracker</c>, then
    /// discovery, then the default), tells <paramref name="located"/> where and how, and joins it
    /// (see <see cref="JoinAsync(string?, CancellationToken, bool)"/> for <paramref name="listFiles"/>).
    /// A failure to join carries the location, so its text can say why discovery did not help.
    /// </summary>
    public async Task<IReadOnlyList<NetworkFile>> LocateAndJoinAsync(string? named, Action<TrackerLocation> located, CancellationToken cancellationToken, bool listFiles = true)
    {
        ArgumentNullException.ThrowIfNull(located);
        var location = await TrackerLocator.LocateAsync(named, _options, _loggers.CreateLogger("P2PShare.Peer.Discovery"), cancellationToken);
        located(location);
        try
        {
            return await JoinAsync(location.Endpoint, location.Discovered, listFiles, cancellationToken);
        }
        catch (PeerCommandException e) when (e.Failure is JoinFailure failure)
        {
            throw new PeerCommandException(failure with { Location = location }, e.InnerException ?? e);
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
        return await _tracker.CallAsync(t => t.UpdateAsync(cancellationToken), "update");
    }

    /// <summary>The files in the network as the tracker knows them now; with <paramref name="prefix"/>, those whose name starts with it (a folder's: <c>photos/</c>).</summary>
    public Task<IReadOnlyList<NetworkFile>> ListAsync(CancellationToken cancellationToken, string? prefix = null) =>
        _tracker.CallAsync(t => t.ListAsync(null, prefix, cancellationToken), "list");

    // A shared file was deleted or changed: the tracker must stop sending fetchers here for it.
    private void OnFileGone(SharedFile file) => _ = _tracker.AnnounceQuietlyAsync();

    private PieceSet? CurrentPieces(FileId file) =>
        _repository is { } repository && repository.TryGet(file, out var local) && local is not null ? local.Snapshot() : null;

    // A notice is news, not a command's answer: a subscriber that cannot write it must not stop the peer.
    private void Tell(PeerNotice notice)
    {
        try
        {
            Notice?.Invoke(notice);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            PeerLog.NoticeLost(_logger, e.Message);
        }
    }

    private List<FileEntry> CurrentFiles() =>
        _repository is null ? [] : _repository.Files
            .Where(f => !f.IsComplete || File.Exists(f.FinalPath)) // a shared file deleted since the last scan is not claimed
            .Select(f => new FileEntry(f.Id, f.Name, f.Manifest.Length, f.Manifest.PieceLength, f.IsComplete ? null : f.Snapshot()))
            .Concat(CopyEntries(_repository))
            .ToList();

    // Every other name of content held complete (and still on disk) is announced too, as its own entry.
    private static IEnumerable<FileEntry> CopyEntries(Repository repository) =>
        repository.Copies
            .Where(c => repository.TryGet(c.Id, out var held) && held is { IsComplete: true } && File.Exists(c.Path))
            .Select(c => repository.TryGet(c.Id, out var held) ? new FileEntry(c.Id, c.Name, held!.Manifest.Length, held.Manifest.PieceLength, null) : null)
            .OfType<FileEntry>();

    /// <summary>Stops downloads (keeping their pieces), leaves the tracker, stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _leaving.CancelAsync();
        await StopDownloadsAsync();
        _pieces.Dispose();
        await _tracker.DisposeAsync();
        _leaving.Dispose();
        if (_server is { } server)
            await server.DisposeAsync();
        _repository?.Dispose();
    }
}
