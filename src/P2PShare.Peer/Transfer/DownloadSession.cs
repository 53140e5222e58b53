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
/// One download: the <see cref="HolderSwarm"/> connects to the holders, the first to answer gives the
/// manifest (checked against the id), then a <see cref="HolderWorker"/> per holder fetches pieces the
/// shared <see cref="PieceBoard"/> picks. Every piece is verified before it is written; a holder that
/// sends a bad piece is dropped and the piece is fetched elsewhere. Says how it ended in a typed result.
/// </summary>
public sealed class DownloadSession
{
    private readonly Repository _repository;
    private readonly HolderSwarm _swarm;
    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly Stopwatch _clock = new();
    private readonly TaskCompletionSource<Manifest> _manifest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PieceBoard> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PieceBoard? _board;

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
        Id = file;
        Name = name;
        Length = length;
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _swarm = new HolderSwarm(name, holders, options, ourPort, logger, findHolders);
    }

    /// <summary>The file's id.</summary>
    public FileId Id { get; }

    /// <summary>The name it is saved under.</summary>
    public string Name { get; }

    /// <summary>The file's length.</summary>
    public long Length { get; }

    /// <summary>What the download waits for before it begins: the download of the same content under another name, which it then copies.</summary>
    internal Task? After { get; init; }

    /// <summary>Raised (on a worker thread) when a verified piece is written: the file's id and the piece.</summary>
    public event Action<FileId, int>? PieceVerified;

    /// <summary>Raised when a holder is dropped for good (it lied, or no longer has the file), with why.</summary>
    public event Action<HolderAddress, HolderDrop>? PeerDropped
    {
        add => _swarm.Dropped += value;
        remove => _swarm.Dropped -= value;
    }

    /// <summary>Raised when the connection to a holder is lost (it is dialled again), with why.</summary>
    public event Action<HolderAddress, HolderDrop>? PeerLost
    {
        add => _swarm.Lost += value;
        remove => _swarm.Lost -= value;
    }

    /// <summary>
    /// Completes once the manifest is in and the <c>.part</c> is open, so <see cref="GetProgress"/> counts
    /// the pieces; never, if the download ends before a holder sends the manifest.
    /// </summary>
    public Task Opened => _ready.Task;

    /// <summary>The progress so far.</summary>
    public DownloadProgress GetProgress()
    {
        var board = Volatile.Read(ref _board);
        return new DownloadProgress(Name, Length, board?.File.VerifiedCount ?? 0, board?.File.Manifest.PieceCount ?? 0, board?.BytesReceived ?? 0,
            _clock.Elapsed, board?.ActivePeers ?? 0, board?.PiecesByPeer() ?? [])
        { DroppedPeers = _swarm.DroppedNow() };
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
            if (After is { } after)
                await after.WaitAsync(cancellationToken); // never faults: a download's completion says how it ended
            if (_repository.TryGet(Id, out var existing) && existing is SharedFile held && held.Name != Name)
            {
                // The content is here under another name (a copy, an empty file): this name gets a verified copy.
                var (copyPath, alreadyThere) = _repository.PlaceCopy(held, Name, cancellationToken);
                return Result(DownloadOutcome.Completed, copyPath, 0, held.Manifest.PieceCount, null) with { AlreadyHere = alreadyThere };
            }
            if (existing is { IsComplete: true })
                return Result(DownloadOutcome.Completed, existing.FinalPath, resumed, existing.Manifest.PieceCount, null) with { AlreadyHere = true };
            if (_swarm.Count == 0)
                return Result(DownloadOutcome.Failed, null, 0, 0, new DownloadFailure(DownloadFailureKind.NoHolder));

            var file = existing is null ? null : Open(existing.Manifest).File;
            resumed = file?.VerifiedCount ?? 0;
            if (file is null || !AllVerified(file))
            {
                swarm = _swarm.RunAsync(UseAsync, stop.Token);
                if (file is null)
                {
                    if (await Task.WhenAny(_manifest.Task, _swarm.Ended).WaitAsync(cancellationToken) == _swarm.Ended)
                    {
                        await _swarm.Ended; // rethrows an error that ended it (a full disk); otherwise no holder could give a manifest
                        return Result(DownloadOutcome.Failed, null, 0, 0, NoManifest());
                    }
                    file = Open(_manifest.Task.Result).File;
                    resumed = file.VerifiedCount;
                }
                await _swarm.Ended.WaitAsync(cancellationToken);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (!AllVerified(file))
                return Result(DownloadOutcome.Failed, null, resumed, file.Manifest.PieceCount, Missing(file, await _swarm.Ended));
            // A download resumed from another name's stopped one completes under that name: this name gets a copy of it.
            bool othersName = file.Name != Name;
            var done = file.Complete();
            string path = othersName ? _repository.PlaceCopy(done, Name, cancellationToken).Path : done.Path;
            return Result(DownloadOutcome.Completed, path, resumed, file.Manifest.PieceCount, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Counted once every connection has closed: a piece being written as the stop came is kept, and
            // so counted (a tester saw 'Stopped: 433 … kept' and then 'Resuming: 435 … already verified').
            await stop.CancelAsync();
            await swarm;
            return Result(DownloadOutcome.Stopped, null, resumed, _board?.File.Manifest.PieceCount ?? 0, null);
        }
        catch (StorageException e)
        {
            PeerLog.DownloadFailed(_logger, Name, e.Message);
            return Result(DownloadOutcome.Failed, null, resumed, _board?.File.Manifest.PieceCount ?? 0,
                new DownloadFailure(DownloadFailureKind.Storage) { Error = e.Message, DiskFull = e.IsDiskFull, InUseElsewhere = e.InUseElsewhere, NameBlocked = e.NameBlocked, KeptPieces = _board?.File.RecordedCount });
        }
        finally
        {
            await stop.CancelAsync();
            await swarm; // never faults: every holder's connection is closed when it returns
            _clock.Stop();
        }
    }

    private static bool AllVerified(PartFile file) => file.IsComplete || file.VerifiedCount >= file.Manifest.PieceCount;

    // Opens (or resumes) the .part and lets the holders' connections start fetching pieces.
    private PieceBoard Open(Manifest manifest)
    {
        var board = new PieceBoard(_repository.OpenDownload(manifest, Name), _swarm.Changed, piece => PieceVerified?.Invoke(Id, piece));
        _manifest.TrySetResult(manifest); // a resumed download already has it: no holder need send it
        Volatile.Write(ref _board, board);
        _swarm.Opened(board);
        _ready.TrySetResult(board);
        return board;
    }

    // One connected holder: asks it for the manifest if nobody has given one yet, then fetches pieces from it.
    private async Task<HolderDrop?> UseAsync(PeerLink link, HolderAddress holder, CancellationToken stop)
    {
        try
        {
            if (!_manifest.Task.IsCompleted && await FetchManifestAsync(link, stop) is { } drop)
                return drop;
            var board = await _ready.Task.WaitAsync(stop);
            return await new HolderWorker(link, holder, board, _swarm, _options.RequestsInFlightPerPeer, _options.ElsewhereDeferral, _logger).RunAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not the holder's fault (a full disk, a bug): it ends the download, and RunAsync reports it.
            _swarm.Fail(e);
            return null;
        }
    }

    // Null once the manifest is known; otherwise why this holder could not give it.
    private async Task<HolderDrop?> FetchManifestAsync(PeerLink link, CancellationToken stop)
    {
        try
        {
            _manifest.TrySetResult(await link.GetManifestAsync(Id, stop));
            return null;
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return new HolderDrop(HolderDropKind.NotHolding, e.Message);
        }
        catch (ProtocolException e)
        {
            // A holder whose manifest does not hash to the id is lying or broken: never use it.
            return new HolderDrop(HolderDropKind.InvalidManifest, e.Message);
        }
        catch (Exception e) when (HolderSwarm.IsConnectionFault(e))
        {
            // A holder leaving as we connect says bye before any manifest: no fault, only looked for again now and then.
            return link.SaidBye ? HolderDrop.SaidBye : new HolderDrop(HolderDropKind.NoManifest, e.Message);
        }
    }

    // Why no manifest ever came: nobody reachable within HolderWait, or every reachable holder lied.
    private DownloadFailure NoManifest()
    {
        var failures = _swarm.Failures();
        var kind = failures.Count > 0 && failures.All(f => f.Drop.Kind == HolderDropKind.InvalidManifest)
            ? DownloadFailureKind.NoValidManifest
            : DownloadFailureKind.NoManifestReachable;
        return new DownloadFailure(kind) { Tried = failures, Holders = _swarm.Count, Waited = _options.HolderWait };
    }

    // Which pieces are missing, why the download gave up, and whom it tried.
    private DownloadFailure Missing(PartFile file, SwarmEnd end) => end == SwarmEnd.Stalled
        ? new DownloadFailure(DownloadFailureKind.PiecesUnavailable) { Verified = file.Snapshot(), Tried = _swarm.Failures(), Holders = _swarm.ConnectedCount, Waited = _options.StallTimeout }
        : new DownloadFailure(DownloadFailureKind.HoldersUnreachable) { Verified = file.Snapshot(), Tried = _swarm.Failures(), Waited = _options.HolderWait };

    private DownloadResult Result(DownloadOutcome outcome, string? path, int resumed, int total, DownloadFailure? failure)
    {
        var board = Volatile.Read(ref _board);
        return new DownloadResult(Name, outcome, path, board?.PiecesByPeer() ?? [], resumed, total, board?.BytesReceived ?? 0, _clock.Elapsed, failure)
        { DroppedPeers = _swarm.DroppedNow(), DamagedPieces = board?.File.TakeDamagedOnOpen() ?? 0 };
    }
}
