using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// A folder's small files fetched as one transfer rather than one download each: their holders are
/// looked up many files a request (<see cref="BatchLookup"/>), each holder is dialled
/// once for the whole batch and kept busy with a window of <c>get_piece</c> requests across files, each
/// piece is verified against its file's id (a one-piece file needs no manifest), written whole, and
/// made durable and placed a batch at a time (<see cref="WholeFiles"/>). What the batch cannot finish
/// (no holder, every holder failed it, a holder lost) is left for the caller to fetch the ordinary way.
/// </summary>
internal sealed class FolderBatch
{
    /// <summary>Requests in flight per holder: a small file's reply is short, so it takes more of them than a large file's pieces to keep the link busy.</summary>
    public const int RequestsPerHolder = 32;

    /// <summary>How long a commit waits for more files when few are ready: each commit costs two flushes and a save of the manifest cache.</summary>
    public static readonly TimeSpan CommitGathering = TimeSpan.FromMilliseconds(15);

    /// <summary>Files placed per flush at most: enough to amortise it, few enough that the first files show up soon.</summary>
    public const int FilesPerCommit = 256;

    private readonly Repository _repository;
    private readonly PeerOptions _options;
    private readonly BatchLookup _lookup;
    private readonly Func<HolderAddress, CancellationToken, Task<PeerLink>> _connect;
    private readonly Action _announce;
    private readonly Action<string, HolderAddress, HolderDrop> _dropped;
    private readonly ILogger _logger;
    private readonly Dictionary<HolderAddress, BatchQueue> _queues = []; // guarded by itself
    private readonly ConcurrentDictionary<HolderAddress, byte> _distrusted = new();
    private int _connected;

    public FolderBatch(Repository repository, PeerOptions options, Func<FileId, FileShape, CancellationToken, Task<Holders?>> whoHas,
        Func<IReadOnlyList<ShapedFile>, CancellationToken, Task<HoldersMany?>> whoHasMany, Func<HolderAddress, CancellationToken, Task<PeerLink>> connect, Action announce, Action<string, HolderAddress, HolderDrop> dropped, ILogger logger)
    {
        _repository = repository;
        _options = options;
        _lookup = new BatchLookup(whoHas, whoHasMany);
        _connect = connect;
        _announce = announce;
        _dropped = dropped;
        _logger = logger;
    }

    /// <summary>
    /// Whether <paramref name="holder"/> sent a piece that did not match its file's id in this batch: the
    /// folder's other files never ask it again (a liar alone would otherwise cost each file its 30 s).
    /// </summary>
    public bool Distrusts(HolderAddress holder) => _distrusted.ContainsKey(holder);

    /// <summary>Holders connected now.</summary>
    public int ConnectedHolders => Volatile.Read(ref _connected);

    /// <summary>
    /// Whether <paramref name="name"/> as <paramref name="shape"/> is for the batch: one piece, not held
    /// here in any form (complete, or a download to resume), and a name that may be saved here.
    /// </summary>
    public bool Accepts(string name, NetworkFile shape) =>
        shape.Length > 0 && shape.PieceLength > 0 && shape.PieceLength <= _options.Limits.MaxPieceLength && shape.Length <= shape.PieceLength
        && !_repository.TryGet(shape.Id, out _)
        && RepositoryPath.SaveNameProblem(name) is null
        && RepositoryPath.FoldersAreReal(_repository.Root, name, out _);

    /// <summary>
    /// Fetches what it can of <paramref name="files"/> until done or <paramref name="stop"/>; each
    /// placed file is reported through its own callback, the others are left undone. Never faults.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<BatchFile> files, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var looked = TimeSpan.Zero;
        var holders = new List<Task>();
        var written = Channel.CreateUnbounded<(BatchFile File, WholeFiles.Pending Pending, HolderAddress From)>() /* not SingleReader: its reader cannot count, and the commit looks at the count */;
        var commits = CommitAsync(written.Reader, clock, stop);
        try
        {
            _repository.WholeFiles.RemoveLeftovers();
            await _lookup.RunAsync(files, file => Route(file, holders, written.Writer, stop), stop);
            looked = clock.Elapsed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: what was placed stays placed, the rest is left undone.
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            PeerLog.BatchFailed(_logger, e.Message); // each file left undone is fetched the ordinary way, which reports it
        }
        finally
        {
            lock (_queues)
            {
                foreach (var queue in _queues.Values)
                    queue.Close(RequestsPerHolder);
            }
            await Task.WhenAll(holders); // never fault; none is added once the look-ups are over
            written.Writer.Complete();
            await commits; // never faults
            foreach (var queue in _queues.Values)
                queue.Dispose();
        }
        PeerLog.BatchDone(_logger, files.Count(f => f.IsDone), files.Count, _queues.Count, (long)looked.TotalMilliseconds, (long)clock.Elapsed.TotalMilliseconds);
    }

    // A file whose holders are known: onto each holder's queue, dialling a holder the first time it is seen.
    private void Route(BatchFile file, List<Task> holders, ChannelWriter<(BatchFile, WholeFiles.Pending, HolderAddress)> written, CancellationToken stop)
    {
        lock (_queues)
        {
            foreach (var holder in file.Holders.Where(h => h.Have is null || h.Have.Contains(0)))
            {
                var address = HolderAddress.Of(holder);
                if (!_queues.TryGetValue(address, out var queue))
                {
                    _queues[address] = queue = new BatchQueue();
                    holders.Add(RunHolderAsync(address, queue, written, stop));
                }
                queue.Add(file);
            }
        }
    }

    // One connection to the holder for the whole batch, a window of requests in flight across files.
    private async Task RunHolderAsync(HolderAddress holder, BatchQueue queue, ChannelWriter<(BatchFile, WholeFiles.Pending, HolderAddress)> written, CancellationToken stop)
    {
        await Task.Yield();
        PeerLink link;
        try
        {
            link = await _connect(holder, stop);
        }
        catch (Exception e) when (HolderSwarm.IsConnectionFault(e) || e is OperationCanceledException)
        {
            return; // its files go to the other holders, or the ordinary way
        }
        Interlocked.Increment(ref _connected);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stop, link.Closed);
        try
        {
            await using (link)
            {
                var lanes = Enumerable.Range(0, RequestsPerHolder)
                    .Select(_ => RunLaneAsync(link, holder, queue, written, ended)).ToList();
                await Task.WhenAll(lanes);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _connected);
        }
    }

    // One request at a time; the holder's lanes together keep its window full.
    private async Task RunLaneAsync(PeerLink link, HolderAddress holder, BatchQueue queue,
        ChannelWriter<(BatchFile, WholeFiles.Pending, HolderAddress)> written, CancellationTokenSource ended)
    {
        while (!ended.IsCancellationRequested)
        {
            BatchFile? file = null;
            try
            {
                file = await queue.NextAsync(holder, ended.Token);
                if (file is null)
                    return;
                using var piece = await link.GetPieceAsync(file.Id, 0, ended.Token);
                if (file.Verify(piece.Payload.Span) is not { } manifest)
                {
                    // A lying or broken holder: never asked again in this batch; its files go to the others.
                    _distrusted.TryAdd(holder, 0);
                    file.Failed(holder);
                    Requeue(file, holder);
                    await ended.CancelAsync();
                    _dropped(file.Name, holder, new HolderDrop(HolderDropKind.CorruptPiece, null, 0));
                    return;
                }
                written.TryWrite((file, _repository.WholeFiles.Write(file.Name, manifest, piece.Payload.Span), holder));
            }
            catch (RemoteErrorException) when (file is not null)
            {
                file.Failed(holder); // not_found, busy: another holder, or the ordinary way
                Requeue(file, holder);
            }
            catch (Exception e) when (e is OperationCanceledException || HolderSwarm.IsConnectionFault(e))
            {
                if (file is not null)
                {
                    file.Release();
                    Requeue(file, holder);
                }
                await ended.CancelAsync(); // the connection is gone (or stopped): the other lanes end too
                return;
            }
            catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
            {
                file?.Release();
                PeerLog.BatchFailed(_logger, e.Message);
                await ended.CancelAsync();
                return;
            }
        }
    }

    // A file one holder could not give goes back to the queues of its others (a queue's lanes skip what is taken or done).
    private void Requeue(BatchFile file, HolderAddress from)
    {
        lock (_queues)
        {
            foreach (var holder in file.Holders.Select(HolderAddress.Of).Where(h => h != from))
            {
                if (_queues.TryGetValue(holder, out var queue))
                    queue.Add(file);
            }
        }
    }

    // Places what arrived, a batch per flush; only then is each file reported complete and announced.
    private async Task CommitAsync(ChannelReader<(BatchFile File, WholeFiles.Pending Pending, HolderAddress From)> reader, Stopwatch clock, CancellationToken stop)
    {
        var batch = new List<(BatchFile File, WholeFiles.Pending Pending, HolderAddress From)>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            if (reader.Count < FilesPerCommit / 4 && !stop.IsCancellationRequested)
                await Task.WhenAny(Task.Delay(CommitGathering, CancellationToken.None), reader.Completion); // a few more share the flushes and the cache save
            batch.Clear();
            while (batch.Count < FilesPerCommit && reader.TryRead(out var item))
                batch.Add(item);
            if (stop.IsCancellationRequested)
            {
                Discard(batch);
                continue;
            }
            List<WholeFiles.Placed> placed;
            try
            {
                placed = await Task.Run(() => _repository.WholeFiles.Commit(batch.Select(b => b.Pending).ToList()), CancellationToken.None);
            }
            catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
            {
                PeerLog.BatchFailed(_logger, e.Message);
                Discard(batch);
                continue;
            }
            var sent = batch.ToDictionary(b => b.Pending, b => (b.File, b.From));
            var held = _repository.AddFetched(placed.Select(p => p.Done).OfType<SharedFile>().ToList()).ToHashSet();
            foreach (var outcome in placed)
            {
                var (file, from) = sent[outcome.File];
                if (outcome.Done is { } done && held.Contains(done))
                {
                    file.Complete(new DownloadResult(done.Name, DownloadOutcome.Completed, done.Path, new Dictionary<HolderAddress, int> { [from] = 1 },
                        0, 1, file.Length, clock.Elapsed, null));
                }
                else
                {
                    file.Release(); // the ordinary way says why
                }
            }
            _announce();
        }
    }

    private static void Discard(List<(BatchFile File, WholeFiles.Pending Pending, HolderAddress From)> batch)
    {
        foreach (var (file, pending, _) in batch)
        {
            WholeFiles.Discard(pending);
            file.Release();
        }
    }
}
