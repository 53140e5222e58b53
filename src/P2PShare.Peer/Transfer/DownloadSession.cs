using System.Diagnostics;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// One download: connects to every holder at once, fetches and verifies the manifest, then runs a
/// worker per holder that keeps several piece requests in flight, choosing pieces through the
/// shared <see cref="PiecePicker"/>. Every piece is verified before it is written; a peer that sends
/// a bad piece is dropped and the piece is fetched elsewhere.
/// </summary>
public sealed partial class DownloadSession
{
    private static readonly TimeSpan HaveRefreshInterval = TimeSpan.FromSeconds(2);

    private readonly Repository _repository;
    private readonly HolderPool _pool;                        // guarded by _gate
    private readonly Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? _findHolders;
    private readonly PeerOptions _options;
    private readonly int _ourPort;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _piecesByPeer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dropped = new(StringComparer.Ordinal); // holders not connected now, with why
    private readonly Dictionary<(string Peer, int Piece), CancellationTokenSource> _requests = []; // to cancel end-game duplicates
    private readonly Stopwatch _time = Stopwatch.StartNew(); // the pool's clock
    private readonly Stopwatch _clock = new();
    private readonly Stopwatch _sinceUseful = Stopwatch.StartNew(); // since a piece arrived or a connected holder had one to give
    private TaskCompletionSource _changed = NewSignal();
    private readonly TaskCompletionSource _allVerified = NewSignal();
    private readonly TaskCompletionSource<Manifest> _manifest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PartFile> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SwarmEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PiecePicker? _picker;
    private PartFile? _file;
    private int _inFlight;
    private int _activePeers;
    private long _bytesReceived;

    /// <summary>
    /// Prepares the download of <paramref name="file"/> from <paramref name="holders"/>. While it runs,
    /// <paramref name="findHolders"/> (the tracker's who-has, if given) is asked every
    /// <see cref="PeerOptions.HolderRefreshInterval"/> for holders that appeared since (other peers
    /// still downloading it, holders back after a restart) and for their fresh piece maps.
    /// </summary>
    public DownloadSession(FileId file, string name, long length, IReadOnlyList<HolderEntry> holders, Repository repository, PeerOptions options, int ourPort, ILogger logger,
        Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? findHolders = null)
    {
        ArgumentNullException.ThrowIfNull(holders);
        _findHolders = findHolders;
        Id = file;
        Name = name;
        Length = length;
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _ourPort = ourPort;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _pool = new HolderPool(options.MaxHolderConnections, options.HolderRetryInitialDelay, options.HolderRetryMaxDelay, new Random(), Now);
        _pool.Listed(holders, Now);
    }

    /// <summary>The file's id.</summary>
    public FileId Id { get; }

    /// <summary>The name it is saved under.</summary>
    public string Name { get; }

    /// <summary>The file's length.</summary>
    public long Length { get; }

    /// <summary>Raised (on a worker thread) when a verified piece is written.</summary>
    public event Action<FileId, int>? PieceVerified;

    /// <summary>Raised when a holder is dropped for good (it lied): its endpoint and why, in plain words.</summary>
    public event Action<string, string>? PeerDropped;

    /// <summary>Raised when the connection to a holder is lost (it is dialled again): its endpoint and why, in plain words.</summary>
    public event Action<string, string>? PeerLost;

    private TimeSpan Now => _time.Elapsed;

    /// <summary>The progress so far.</summary>
    public DownloadProgress GetProgress()
    {
        lock (_gate)
        {
            int total = _file?.Manifest.PieceCount ?? 0;
            int verified = _file?.VerifiedCount ?? 0;
            return new DownloadProgress(Name, Length, verified, total, _bytesReceived, _clock.Elapsed, _activePeers,
                new Dictionary<string, int>(_piecesByPeer, StringComparer.Ordinal))
            { DroppedPeers = new Dictionary<string, string>(_dropped, StringComparer.Ordinal) };
        }
    }

    /// <summary>
    /// Runs the download until it completes, fails, or <paramref name="cancellationToken"/> stops it.
    /// It fails only when no holder has been reachable for <see cref="PeerOptions.HolderWait"/>, or the
    /// reachable ones have had nothing to give for <see cref="PeerOptions.StallTimeout"/>.
    /// </summary>
    public async Task<DownloadResult> RunAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        int resumed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var swarm = Task.CompletedTask;
        try
        {
            if (_repository.TryGet(Id, out var existing) && existing is { IsComplete: true })
                return Result(DownloadOutcome.Completed, existing.FinalPath, resumed, existing.Manifest.PieceCount, "already in the repository");
            if (_pool.Count == 0)
                return Result(DownloadOutcome.Failed, null, 0, 0, "no peer holds this file");

            var file = existing is null ? null : Open(existing.Manifest);
            resumed = file?.VerifiedCount ?? 0;
            if (file is null || !AllVerified(file))
            {
                swarm = RunSwarmAsync(stop.Token);
                if (file is null)
                {
                    if (await Task.WhenAny(_manifest.Task, _ended.Task).WaitAsync(cancellationToken) == _ended.Task)
                    {
                        await _ended.Task; // rethrows an error that ended it (a full disk); otherwise no holder could give a manifest
                        return Result(DownloadOutcome.Failed, null, 0, 0, DescribeNoManifest());
                    }
                    file = Open(_manifest.Task.Result);
                    resumed = file.VerifiedCount;
                }
                await _ended.Task.WaitAsync(cancellationToken);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (!AllVerified(file))
                return Result(DownloadOutcome.Failed, null, resumed, file.Manifest.PieceCount, DescribeMissing(file));
            string path = file.Complete().Path;
            return Result(DownloadOutcome.Completed, path, resumed, file.Manifest.PieceCount, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(DownloadOutcome.Stopped, null, resumed, _file?.Manifest.PieceCount ?? 0, "stopped; the verified pieces are kept");
        }
        catch (StorageException e)
        {
            PeerLog.DownloadFailed(_logger, Name, e.Message);
            string next = e.IsDiskFull ? "free some space, then `request` again to continue" : "`request` again to continue";
            string advice = _file is { } started ? $"The {started.RecordedCount} verified pieces are kept; {next}" : char.ToUpperInvariant(next[0]) + next[1..];
            return Result(DownloadOutcome.Failed, null, resumed, _file?.Manifest.PieceCount ?? 0, $"{e.Message}. {advice}");
        }
        finally
        {
            await stop.CancelAsync();
            await swarm; // never faults: every holder's connection is closed when it returns
            if (_file is { } opened)
                opened.PieceVerified -= OnPieceVerified;
            _clock.Stop();
        }
    }

    private static bool AllVerified(PartFile file) => file.IsComplete || file.VerifiedCount >= file.Manifest.PieceCount;

    // Opens (or resumes) the .part and lets the holders' connections start fetching pieces.
    private PartFile Open(Manifest manifest)
    {
        var file = _repository.OpenDownload(manifest, Name);
        _manifest.TrySetResult(manifest); // a resumed download already has it: no holder need send it
        lock (_gate)
        {
            _file = file;
            _picker = new PiecePicker(file.Snapshot(), new Random());
            if (_picker.IsComplete)
                _ended.TrySetResult(SwarmEnd.Complete);
        }
        file.PieceVerified += OnPieceVerified;
        _ready.TrySetResult(file);
        return file;
    }

    private void OnPieceVerified(PartFile file, int piece) => PieceVerified?.Invoke(file.Id, piece);

    private DownloadResult Result(DownloadOutcome outcome, string? path, int resumed, int total, string? reason)
    {
        lock (_gate)
        {
            return new DownloadResult(Name, outcome, path, new Dictionary<string, int>(_piecesByPeer, StringComparer.Ordinal),
                resumed, total, _bytesReceived, _clock.Elapsed, reason)
            { DroppedPeers = new Dictionary<string, string>(_dropped, StringComparer.Ordinal), DamagedPieces = _file?.TakeDamagedOnOpen() ?? 0 };
        }
    }

    /// <summary>
    /// Fetches pieces from one connected holder until the file is complete, the download stops
    /// (<paramref name="cancellationToken"/>), or the holder fails; says how it ended.
    /// </summary>
    private async Task<HolderEnd> RunWorkerAsync(PeerLink link, PartFile file, CancellationToken cancellationToken)
    {
        string peer = link.Endpoint;
        var outstanding = new List<(int Piece, Task<Incoming> Reply, CancellationTokenSource Cancel)>();
        var lastHaveRefresh = Stopwatch.StartNew();
        int timeouts = 0;
        var depth = new PeerDepth(_options.RequestsInFlightPerPeer);
        lock (_gate)
            _activePeers++;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool complete = TopUp(link, outstanding, depth, cancellationToken);

                if (outstanding.Count == 0)
                {
                    if (complete)
                        return HolderEnd.Finished;
                    if (PeerMayGain(peer) && lastHaveRefresh.Elapsed >= HaveRefreshInterval)
                    {
                        // A partial holder may have gained pieces since we last looked.
                        await RefreshHaveAsync(link, cancellationToken);
                        lastHaveRefresh.Restart();
                        continue;
                    }
                    // Nothing to ask it now; whether the download has stalled is the swarm's call, not this holder's.
                    await WaitForChangeAsync(HaveRefreshInterval, cancellationToken);
                    continue;
                }

                // Once every piece is verified, nobody waits for a slow peer's queue: its replies are abandoned.
                var finished = await Task.WhenAny(outstanding.Select(o => (Task)o.Reply).Append(_allVerified.Task));
                if (finished == _allVerified.Task)
                    return HolderEnd.Finished;
                int index = outstanding.FindIndex(o => o.Reply == finished);
                var (done, replyTask, cancel) = outstanding[index];
                outstanding.RemoveAt(index);
                lock (_gate)
                {
                    _inFlight--;
                    _requests.Remove((peer, done));
                }
                using var disposeCancel = cancel;
                // Ask for the next piece before verifying and writing this one, so the peer never waits on our disk or hash.
                TopUp(link, outstanding, depth, cancellationToken);
                try
                {
                    using var reply = await replyTask;
                    timeouts = 0;
                    depth.Replied(reply.Payload.Length, file.Manifest.PieceLength);
                    var written = file.WritePiece(done, reply.Payload.Span);
                    List<CancellationTokenSource>? duplicates = null;
                    lock (_gate)
                    {
                        if (written == PieceWriteResult.HashMismatch)
                        {
                            _picker!.Released(peer, done);
                        }
                        else
                        {
                            duplicates = DuplicatesOf(_picker!.Received(peer, done), done);
                            if (_picker.IsComplete)
                            {
                                _allVerified.TrySetResult();
                                _ended.TrySetResult(SwarmEnd.Complete);
                            }
                            _sinceUseful.Restart();
                            _pool.Delivered(peer);
                            if (written == PieceWriteResult.Written)
                            {
                                _piecesByPeer[peer] = _piecesByPeer.GetValueOrDefault(peer) + 1;
                                _bytesReceived += reply.Payload.Length;
                            }
                        }
                    }
                    Signal();
                    CancelAll(duplicates);
                    if (written == PieceWriteResult.HashMismatch)
                    {
                        PeerLog.CorruptPiece(_logger, peer, done, Name);
                        return HolderEnd.Banned($"it sent a corrupt piece {done} (hash mismatch)");
                    }
                    PeerLog.PieceReceived(_logger, done, Name, peer);
                }
                catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
                {
                    PeerLog.PieceNotFound(_logger, peer, done, Name);
                    lock (_gate)
                        _picker!.PeerLacks(peer, done);
                    Signal();
                    // Lacking one piece is normal for a partial holder; lacking the whole file (deleted or changed
                    // there) means it is no holder at all: its have map says which.
                    if (await HasFileAsync(link, cancellationToken) is false)
                        return HolderEnd.NotHolding($"it no longer has the file ({e.Message})");
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // An end-game duplicate: the piece came verified from another peer first, and our request was cancelled on the wire.
                    PeerLog.DuplicateCancelled(_logger, peer, done, Name);
                    lock (_gate)
                        _picker!.Released(peer, done);
                    Signal();
                }
                catch (TimeoutException)
                {
                    lock (_gate)
                        _picker!.Released(peer, done);
                    Signal();
                    if (++timeouts >= 3)
                        return HolderEnd.Lost("it stopped answering piece requests");
                }
            }
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return HolderEnd.NotHolding($"it no longer has the file ({e.Message})"); // a have map refused
        }
        catch (Exception e) when (IsConnectionFault(e))
        {
            return HolderEnd.Lost(e.Message);
        }
        finally
        {
            lock (_gate)
            {
                _picker!.RemovePeer(peer);
                _inFlight -= outstanding.Count;
                _activePeers--;
                foreach (var (piece, _, _) in outstanding)
                    _requests.Remove((peer, piece));
            }
            Signal();
            await link.DisposeAsync();
            foreach (var (_, reply, cancel) in outstanding)
            {
                try
                {
                    (await reply).Dispose();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The link is closed; these requests failed as expected.
                }
                cancel.Dispose();
            }
        }
    }

    // What ends one connection and not the download: the holder may be back, so it is dialled again.
    private static bool IsConnectionFault(Exception e) =>
        e is RemoteErrorException || ConnectionFaults.IsFault(e);

    // Called under _gate: the requests other peers still have in flight for a piece just verified.
    private List<CancellationTokenSource> DuplicatesOf(IReadOnlyList<string> peers, int piece)
    {
        var found = new List<CancellationTokenSource>(peers.Count);
        foreach (var other in peers)
            if (_requests.TryGetValue((other, piece), out var cancel))
                found.Add(cancel);
        return found;
    }

    // Outside _gate: cancelling runs the requests' callbacks on this thread.
    private static void CancelAll(List<CancellationTokenSource>? requests)
    {
        foreach (var request in requests ?? [])
        {
            try
            {
                request.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Its own copy arrived meanwhile and its worker is done with it.
            }
        }
    }

    /// <summary>
    /// Once <paramref name="depth"/> says to refill, sends requests until <paramref name="outstanding"/>
    /// holds the per-peer depth; says whether the file is complete.
    /// </summary>
    private bool TopUp(PeerLink link, List<(int Piece, Task<Incoming> Reply, CancellationTokenSource Cancel)> outstanding, PeerDepth depth, CancellationToken cancellationToken)
    {
        var picks = new List<int>();
        bool complete;
        lock (_gate)
        {
            while (depth.ShouldRefill(outstanding.Count) && outstanding.Count + picks.Count < depth.Depth && _picker!.Pick(link.Endpoint) is int piece)
                picks.Add(piece);
            _inFlight += picks.Count;
            complete = _picker!.IsComplete;
        }
        foreach (int piece in picks)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_gate)
                _requests[(link.Endpoint, piece)] = cancel;
            outstanding.Add((piece, link.GetPieceAsync(Id, piece, cancel.Token), cancel));
        }
        return complete;
    }

    private bool PeerMayGain(string peer)
    {
        lock (_gate)
            return _pool.Entry(peer) is { Have: not null };
    }

    private async Task RefreshHaveAsync(PeerLink link, CancellationToken cancellationToken)
    {
        var have = await link.GetHaveAsync(Id, cancellationToken);
        lock (_gate)
            _picker!.PeerHolds(link.Endpoint, have);
    }

    // False when the holder answers that it does not have the file at all; otherwise its fresh piece map is the picker's.
    private async Task<bool> HasFileAsync(PeerLink link, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshHaveAsync(link, cancellationToken);
            return true;
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return false;
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _changed).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Look again.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
