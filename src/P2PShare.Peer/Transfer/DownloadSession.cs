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
    private readonly List<HolderEntry> _holders;             // guarded by _gate once workers run
    private readonly Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? _findHolders;
    private readonly PeerOptions _options;
    private readonly int _ourPort;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _piecesByPeer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dropped = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Peer, int Piece), CancellationTokenSource> _requests = []; // to cancel end-game duplicates
    private readonly Stopwatch _clock = new();
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private TaskCompletionSource _changed = NewSignal();
    private readonly TaskCompletionSource _allVerified = NewSignal();
    private PiecePicker? _picker;
    private LocalFile? _file;
    private int _inFlight;
    private int _activePeers;
    private long _bytesReceived;

    /// <summary>
    /// Prepares the download of <paramref name="file"/> from <paramref name="holders"/>. While it runs,
    /// <paramref name="findHolders"/> (the tracker's who-has, if given) is asked every
    /// <see cref="PeerOptions.HolderRefreshInterval"/> for holders that appeared since (other peers
    /// still downloading it) and for their fresh piece maps.
    /// </summary>
    public DownloadSession(FileId file, string name, long length, IReadOnlyList<HolderEntry> holders, Repository repository, PeerOptions options, int ourPort, ILogger logger,
        Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? findHolders = null)
    {
        _findHolders = findHolders;
        Id = file;
        Name = name;
        Length = length;
        _holders = [.. holders ?? throw new ArgumentNullException(nameof(holders))];
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _ourPort = ourPort;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The file's id.</summary>
    public FileId Id { get; }

    /// <summary>The name it is saved under.</summary>
    public string Name { get; }

    /// <summary>The file's length.</summary>
    public long Length { get; }

    /// <summary>Raised (on a worker thread) when a verified piece is written.</summary>
    public event Action<FileId, int>? PieceVerified;

    /// <summary>Raised when a holder is dropped for this file: its endpoint and why, in plain words.</summary>
    public event Action<string, string>? PeerDropped;

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

    /// <summary>Runs the download until it completes, fails, or <paramref name="cancellationToken"/> stops it.</summary>
    public async Task<DownloadResult> RunAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        var links = new List<PeerLink>();
        int resumed = 0;
        try
        {
            if (_repository.TryGet(Id, out var existing) && existing is { IsComplete: true })
                return Result(DownloadOutcome.Completed, existing.FinalPath, resumed, existing.Manifest.PieceCount, "already in the repository");

            links.AddRange(await ConnectAllAsync(cancellationToken));
            var manifest = existing?.Manifest ?? await FetchManifestAsync(links, cancellationToken);
            if (manifest is null)
                return Result(DownloadOutcome.Failed, null, 0, 0, DescribeNoHolder(links.Count));

            var file = _repository.OpenDownload(manifest, Name);
            resumed = file.VerifiedCount;
            lock (_gate)
            {
                _file = file;
                _picker = new PiecePicker(file.Snapshot(), new Random());
                foreach (var link in links)
                    _picker.AddPeer(link.Endpoint, _holders.FirstOrDefault(h => h.Endpoint == link.Endpoint)?.Have);
            }
            file.PieceVerified += OnPieceVerified;
            try
            {
                if (!file.IsComplete && file.VerifiedCount < manifest.PieceCount)
                {
                    if (links.Count == 0)
                        return Result(DownloadOutcome.Failed, null, resumed, manifest.PieceCount, DescribeNoHolder(0));
                    await RunWorkersAsync(links, file, cancellationToken);
                }
            }
            finally
            {
                file.PieceVerified -= OnPieceVerified;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (file.VerifiedCount < manifest.PieceCount)
            {
                int missing = manifest.PieceCount - file.VerifiedCount;
                return Result(DownloadOutcome.Failed, null, resumed, manifest.PieceCount,
                    $"{missing} of {manifest.PieceCount} pieces could not be fetched from any reachable holder; the verified pieces are kept, `request` again to continue");
            }
            string path = file.IsComplete ? file.FinalPath! : file.Complete();
            return Result(DownloadOutcome.Completed, path, resumed, manifest.PieceCount, null);
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
            await Task.WhenAll(links.Select(l => l.DisposeAsync().AsTask()));
            _clock.Stop();
        }
    }

    private void OnPieceVerified(LocalFile file, int piece) => PieceVerified?.Invoke(file.Id, piece);

    private string DescribeNoHolder(int reachable) => _holders.Count == 0
        ? "no peer holds this file"
        : reachable == 0
            ? $"none of the {_holders.Count} holder(s) could be reached ({string.Join(", ", _holders.Select(h => h.Endpoint))})"
            : "no holder sent a manifest matching the file id";

    private DownloadResult Result(DownloadOutcome outcome, string? path, int resumed, int total, string? reason)
    {
        lock (_gate)
        {
            return new DownloadResult(Name, outcome, path, new Dictionary<string, int>(_piecesByPeer, StringComparer.Ordinal),
                resumed, total, _bytesReceived, _clock.Elapsed, reason)
            { DroppedPeers = new Dictionary<string, string>(_dropped, StringComparer.Ordinal), DamagedPieces = _file?.TakeDamagedOnOpen() ?? 0 };
        }
    }

    private async Task<List<PeerLink>> ConnectAllAsync(CancellationToken cancellationToken)
    {
        var attempts = _holders.Select(async holder =>
        {
            try
            {
                return await PeerLink.ConnectAsync(holder.Host, holder.Port, _ourPort, _options, cancellationToken);
            }
            catch (Exception e) when (e is IOException or TimeoutException or ProtocolException or RemoteErrorException or System.Net.Sockets.SocketException)
            {
                PeerLog.PeerDropped(_logger, holder.Endpoint, Name, $"could not connect: {e.Message}");
                Dropped(holder.Endpoint, $"could not connect: {e.Message}");
                return null;
            }
        }).ToList();
        var links = await Task.WhenAll(attempts);
        return links.OfType<PeerLink>().ToList();
    }

    private async Task<Manifest?> FetchManifestAsync(List<PeerLink> links, CancellationToken cancellationToken)
    {
        foreach (var link in links.ToList())
        {
            try
            {
                return await link.GetManifestAsync(Id, cancellationToken);
            }
            catch (Exception e) when (e is IOException or TimeoutException or ProtocolException or RemoteErrorException)
            {
                // A holder whose manifest does not hash to the id is lying or broken: never use it.
                PeerLog.PeerDropped(_logger, link.Endpoint, Name, $"no valid manifest: {e.Message}");
                Dropped(link.Endpoint, $"no valid manifest: {e.Message}");
                links.Remove(link);
                await link.DisposeAsync();
            }
        }
        return null;
    }

    private async Task RunWorkerAsync(PeerLink link, LocalFile file, CancellationToken cancellationToken)
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
                var (complete, stalled) = TopUp(link, outstanding, depth, cancellationToken);

                if (outstanding.Count == 0)
                {
                    if (complete)
                        return;
                    if (PeerMayGain(peer) && lastHaveRefresh.Elapsed >= HaveRefreshInterval)
                    {
                        // A partial holder may have gained pieces since we last looked.
                        await RefreshHaveAsync(link, cancellationToken);
                        lastHaveRefresh.Restart();
                        continue;
                    }
                    if (stalled && _sinceProgress.Elapsed > _options.StallTimeout)
                        return;
                    await WaitForChangeAsync(HaveRefreshInterval, cancellationToken);
                    continue;
                }

                // Once every piece is verified, nobody waits for a slow peer's queue: its replies are abandoned.
                var finished = await Task.WhenAny(outstanding.Select(o => (Task)o.Reply).Append(_allVerified.Task));
                if (finished == _allVerified.Task)
                    return;
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
                                _allVerified.TrySetResult();
                            _sinceProgress.Restart();
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
                        Dropped(peer, $"it sent a corrupt piece {done} (hash mismatch)");
                        return;
                    }
                    PeerLog.PieceReceived(_logger, done, Name, peer);
                }
                catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
                {
                    PeerLog.PieceNotFound(_logger, peer, done, Name);
                    lock (_gate)
                        _picker!.PeerLacks(peer, done);
                    Signal();
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
                    {
                        PeerLog.PeerDropped(_logger, peer, Name, "stopped answering piece requests");
                        Dropped(peer, "it stopped answering piece requests");
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException or RemoteErrorException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            PeerLog.PeerDropped(_logger, peer, Name, e.Message);
            if (!cancellationToken.IsCancellationRequested)
                Dropped(peer, e.Message);
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

    private void Dropped(string peer, string reason)
    {
        lock (_gate)
            _dropped[peer] = reason;
        PeerDropped?.Invoke(peer, reason);
    }

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
    /// holds the per-peer depth; says whether the file is complete and whether nothing is left to do anywhere.
    /// </summary>
    private (bool Complete, bool Stalled) TopUp(PeerLink link, List<(int Piece, Task<Incoming> Reply, CancellationTokenSource Cancel)> outstanding, PeerDepth depth, CancellationToken cancellationToken)
    {
        var picks = new List<int>();
        bool complete, stalled;
        lock (_gate)
        {
            while (depth.ShouldRefill(outstanding.Count) && outstanding.Count + picks.Count < depth.Depth && _picker!.Pick(link.Endpoint) is int piece)
                picks.Add(piece);
            _inFlight += picks.Count;
            complete = _picker!.IsComplete;
            stalled = outstanding.Count + picks.Count == 0 && _inFlight == 0 && !AnyPeerHasWork();
        }
        foreach (int piece in picks)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_gate)
                _requests[(link.Endpoint, piece)] = cancel;
            outstanding.Add((piece, link.GetPieceAsync(Id, piece, cancel.Token), cancel));
        }
        return (complete, stalled);
    }

    private bool AnyPeerHasWork()
    {
        // Called under _gate.
        foreach (var holder in _holders)
            if (_picker!.HasWorkFor(holder.Endpoint))
                return true;
        return false;
    }

    private bool PeerMayGain(string peer)
    {
        lock (_gate)
            return _holders.FirstOrDefault(h => h.Endpoint == peer) is { Have: not null };
    }

    private async Task RefreshHaveAsync(PeerLink link, CancellationToken cancellationToken)
    {
        var have = await link.GetHaveAsync(Id, cancellationToken);
        lock (_gate)
        {
            var count = _file!.Manifest.PieceCount;
            for (int i = 0; i < count; i++)
                if (have is null || have.Contains(i))
                    _picker!.PeerGained(link.Endpoint, i);
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
